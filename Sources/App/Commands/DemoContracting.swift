import CAQESCore
import Fluent
import Vapor

/// The demo's contract cycle: a frozen Hauts-de-France campaign on real FINESS holders, and
/// contracts in several states, written through the same services as the pages, at past dates on
/// the application clock: one waiting for receipt (CHU de Lille), one in its first period, one
/// amended in its second period, one signed by the three parties.
enum DemoContracting {
    struct Holder { let finess: String; let reason: String }

    static let holders = [
        Holder(finess: "590780193", reason: "CHU de Lille"),
        Holder(finess: "590781803", reason: "CH de Maubeuge"),
        Holder(finess: "590034740", reason: "EPSM de l'agglomération lilloise"),
        Holder(finess: "590782215", reason: "CH de Valenciennes"),
    ]

    static func actor(_ email: String, app: Application) async throws -> ContractingActor {
        guard let user = try await User.query(on: app.db).filter(\.$email == email).first(), let id = user.id else {
            throw CommandFailure("compte de démonstration absent : \(email)")
        }
        return try await ContractingActor.of(userID: id, db: app.db, address: "démonstration")
    }

    static func seed(app: Application, console: any Console, password: String) async throws {
        guard try await TargetingCampaign.query(on: app.db).count() == 0 else {
            console.print("Contrats de démonstration : déjà présents.")
            return
        }
        let clock = app.clock
        let realNow = Date()
        defer { clock.useRealTime() }
        let day: TimeInterval = 86_400
        func at(_ daysAgo: Int) -> Date { realNow.addingTimeInterval(-Double(daysAgo) * day) }
        let analyst = try await actor("analyste.hdf@demo.caqes.fr", app: app)
        let director = try await actor("direction.hdf@demo.caqes.fr", app: app)
        let insurer = try await actor("cpam.nord@demo.caqes.fr", app: app)
        let valenciennes = try await actor("ch.valenciennes@demo.caqes.fr", app: app)

        // The campaign: national-2025 on the 2024 data of the demo (Open PHMEV sample), with the
        // demo's holders put in by written overrides when the sample does not target them.
        clock.set(at(70))
        let campaigns = CampaignService(db: app.db, app: app, actor: analyst, now: clock.now())
        let campaign = try await campaigns.create(region: "32", year: 2024, catalogueIDs: ["national-2025"])
        let results = try await campaigns.results(campaign)
        for holder in holders {
            let lines = results.filter { $0.holderFINESS == holder.finess }
            guard !lines.contains(where: { $0.outcome == "oui" }), let line = lines.first(where: { $0.indicator == "N2" }) ?? lines.first else { continue }
            _ = try await campaigns.override(campaign, holder: holder.finess, indicator: line.indicator, included: true,
                                             reason: "Démonstration : \(holder.reason) ajouté à la liste pour montrer le cycle du contrat.")
        }
        let frozen = try await CampaignService(db: app.db, app: app, actor: director, now: clock.now())
            .freeze(campaign, decisionDate: LegalClock.today(clock.now()))
        let selection = try await campaigns.selection(frozen)

        let year = LegalClock.today(realNow).year
        var contracts: [String: Contract] = [:]
        for holder in holders where selection[holder.finess] != nil {
            let service = ContractService(db: app.db, app: app, actor: analyst, now: clock.now())
            let (contract, _) = try await service.create(.init(
                campaignID: try frozen.requireID(), holder: holder.finess,
                start: try LocalDate(year: year + 1, month: 1, day: 1), end: try LocalDate(year: year + 3, month: 12, day: 31),
                amProducts: holder.finess == "590780193" ? 812_345_678.9 : 80_000_000))
            contracts[holder.finess] = contract
        }
        func act(_ finess: String, _ type: ContractAct, by actor: ContractingActor, daysAgo: Int, date: Int? = nil,
                 password: String? = nil) async throws {
            guard let contract = contracts[finess], let id = contract.id else { return }
            clock.set(at(daysAgo))
            let service = ContractService(db: app.db, app: app, actor: actor, now: clock.now())
            let stated = date.map { LegalClock.today(at($0)).iso }
            _ = try await service.act(on: id, .init(type: type.rawValue, date: stated, password: password))
        }
        // EPSM: sent long ago, period 1 expired (deadline job), amended proposal, received: period 2.
        try await act("590034740", .insuranceOpinion, by: insurer, daysAgo: 62, date: 63)
        try await act("590034740", .send, by: director, daysAgo: 61)
        try await act("590034740", .receipt, by: analyst, daysAgo: 60, date: 60)
        clock.set(at(36))
        _ = try await JobRunner.runDue(app: app)
        try await act("590034740", .insuranceOpinion, by: insurer, daysAgo: 20, date: 20)
        try await act("590034740", .amendedProposal, by: director, daysAgo: 12)
        try await act("590034740", .receipt, by: analyst, daysAgo: 5, date: 5)
        // CH de Valenciennes: signed by the three parties.
        try await act("590782215", .insuranceOpinion, by: insurer, daysAgo: 50, date: 51)
        try await act("590782215", .send, by: director, daysAgo: 49)
        try await act("590782215", .receipt, by: valenciennes, daysAgo: 47)
        try await act("590782215", .cmeOpinion, by: valenciennes, daysAgo: 40, date: 41)
        try await act("590782215", .acceptance, by: valenciennes, daysAgo: 40)
        try await act("590782215", .signature, by: valenciennes, daysAgo: 39, password: password)
        try await act("590782215", .signature, by: director, daysAgo: 38, password: password)
        try await act("590782215", .signature, by: insurer, daysAgo: 37, password: password)
        // CH de Maubeuge: received eight days ago, first period running.
        try await act("590781803", .insuranceOpinion, by: insurer, daysAgo: 11, date: 11)
        try await act("590781803", .send, by: director, daysAgo: 10)
        try await act("590781803", .receipt, by: analyst, daysAgo: 8, date: 8)
        // CHU de Lille: sent yesterday, waiting for its receipt.
        try await act("590780193", .insuranceOpinion, by: insurer, daysAgo: 3, date: 3)
        try await act("590780193", .send, by: director, daysAgo: 1)
        clock.useRealTime()
        _ = try await JobRunner.runDue(app: app)
        let states = try await Contract.query(on: app.db).all().map { "\($0.holderName) : \(ContractProcedure.State(code: $0.state)?.description ?? $0.state)" }
        console.print("Contrats de démonstration (campagne HDF gelée) :")
        for line in states.sorted() { console.print("  \(line)") }
    }
}
