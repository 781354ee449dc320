import CAQESCore
import Foundation

/// The versioned catalogues shipped in Resources/Catalogues (D1), loaded and validated together:
/// one invalid file refuses the set, with every error listed.
enum CatalogueStore {
    static func files(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { directory + $0 }
    }

    static func load(file path: String) throws -> CatalogueVersion {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure("catalogue illisible (fichier absent ou pas en UTF-8) : \(path)")
        }
        do {
            return try CatalogueLoader.load(yaml: text, file: (path as NSString).lastPathComponent)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    static func registry(directory: String) throws -> CatalogueRegistry {
        var catalogues: [CatalogueVersion] = []
        var failures: [String] = []
        for file in files(in: directory) {
            do { catalogues.append(try load(file: file)) } catch { failures.append(String(describing: error)) }
        }
        guard failures.isEmpty else { throw CommandFailure(failures.joined(separator: "\n")) }
        do { return try CatalogueRegistry(catalogues) } catch { throw CommandFailure(error.description) }
    }
}
