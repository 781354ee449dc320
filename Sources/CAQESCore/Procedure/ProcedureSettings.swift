/// The second contract period a region chooses: 15 days as D162-15 writes, or "2 semaines".
public enum SecondContractPeriod: Int, Sendable, CaseIterable, Codable {
    case fifteenDays = 15
    case fourteenDays = 14
}

/// Per-region choices for the legal clocks (D17, D18).
public struct ProcedureSettings: Hashable, Sendable, Codable {
    /// Move a last day that is a Saturday, Sunday or public holiday to the next working day.
    public var holidayShift: Bool
    public var secondContractPeriod: SecondContractPeriod
    /// Default deadline after a hearing, in days after the hearing; the ARS may set another date.
    public var daysAfterHearing: Int

    public init(holidayShift: Bool = true,
                secondContractPeriod: SecondContractPeriod = .fifteenDays,
                daysAfterHearing: Int = 7) {
        self.holidayShift = holidayShift
        self.secondContractPeriod = secondContractPeriod
        self.daysAfterHearing = daysAfterHearing
    }
}
