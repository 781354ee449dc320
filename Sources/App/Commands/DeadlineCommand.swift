import CAQESCore
import Vapor

/// `caqes deadline --received DATE --period contrat-1|contrat-2|evaluation-1|evaluation-2 [--no-holiday-shift]`:
/// the last day of a legal period (D17, D18), as `JJ/MM/AAAA`. Needs no database.
struct DeadlineCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "received", help: "Date de réception (JJ/MM/AAAA ou AAAA-MM-JJ).") var received: String?
        @Option(name: "period", help: "contrat-1 (21 jours), contrat-2 (15 jours), evaluation-1 (1 mois) ou evaluation-2 (15 jours).") var period: String?
        @Flag(name: "no-holiday-shift", help: "Ne pas reporter au jour ouvré suivant un dernier jour chômé.") var noHolidayShift: Bool
        @Flag(name: "explain", help: "Explique le calcul.") var explain: Bool
        init() {}
    }

    var help: String { "Calcule le dernier jour d'une période contradictoire." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let receivedText = signature.received, let periodText = signature.period else {
            throw CommandFailure("options obligatoires : --received DATE et --period contrat-1|contrat-2|evaluation-1|evaluation-2")
        }
        let received: LocalDate
        let period: LegalPeriod
        do { received = try LocalDate(receivedText) } catch { throw CommandFailure("--received : \(error.description)") }
        do { period = try LegalPeriod.parse(periodText) } catch { throw CommandFailure("--period : \(error.description)") }
        var settings = ProcedureSettings()
        settings.holidayShift = !signature.noHolidayShift
        let deadline = DeadlineCalculator.deadline(received: received, period: period, settings: settings)
        context.console.print(deadline.lastDay.description)
        if signature.explain { context.console.print(deadline.description) }
    }
}
