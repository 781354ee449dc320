import Foundation
import Yams

/// Reads a grid from YAML text (the core does no I/O: the caller reads the file).
///
/// Format (see Resources/Grids/normandie-2018.yaml): `id`, `title`, `region`, `partial_credit`,
/// `sanction` {`points_per_step`, `rate_per_step_percent`, `waiver_improvement_points`} and
/// `chapters`, each with `id`, `title`, `criteria`. A criterion has `id`, `label`, optional
/// `number`, `kind` (`qualitative` by default, or `quantitative` with optional `thresholds`
/// {`realised_from` (inclusive) or `realised_above` (strict), `partial_from`} in %), and `points`: a number with an optional `sectors` list
/// (all five when absent), or a map sector → points. Unknown keys are refused so a typo is not
/// silently ignored.
public enum GridLoader {
    /// Parses and validates `yaml`; `file` only names the source in errors.
    public static func load(yaml: String, file: String) throws(GridLoadError) -> Grid {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw GridLoadError.invalid(file: file, line: nil, item: "grille", reason: "fichier vide")
            }
            root = node
        } catch let error as GridLoadError {
            throw error
        } catch let error as YamlError {
            throw Self.describe(error, file: file)
        } catch {
            throw .unreadableYAML(file: file, line: nil, detail: "\(error)")
        }
        return try GridYAMLReader(file: file).grid(root)
    }

    static func describe(_ error: YamlError, file: String) -> GridLoadError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return .unreadableYAML(file: file, line: mark.line, detail: problem)
        default:
            return .unreadableYAML(file: file, line: nil, detail: "\(error)")
        }
    }
}
