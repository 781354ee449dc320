import Foundation

/// How a region shares its FIR envelope among establishments (D12).
public enum EnvelopeSharing: Sendable, Equatable {
    /// In proportion to the number of regional indicators each establishment achieved (default).
    case proportional
    /// A fixed amount per achieved indicator; scaled down proportionally if the total would
    /// exceed the envelope.
    case fixedPerIndicator(Decimal)
}

/// One establishment's share of the regional envelope.
public struct EnvelopeShare: Sendable, Equatable {
    public let subject: String
    public let achievedIndicators: Int
    public let amount: Decimal
    public let explanation: Explanation
}

/// The envelope shared out: every share, and what stays undistributed.
public struct EnvelopeAllocation: Sendable, Equatable {
    public let envelope: Decimal
    public let sharing: EnvelopeSharing
    /// In the order given.
    public let shares: [EnvelopeShare]
    /// Sum of the shares, never above the envelope.
    public let distributed: Decimal
    public let undistributed: Decimal
}

/// Shares a regional FIR envelope (D12). Never distributes more than the envelope.
///
/// Cents: proportional shares are computed exactly in cents, each truncated to the cent; the few
/// cents left by truncation (fewer than the number of establishments) go one by one to the
/// largest truncated remainders, ties to the earlier FINESS in ascending order (largest
/// remainder method). The shares then add up to the envelope exactly; any fraction of a cent in
/// the envelope itself stays undistributed.
public enum RegionalEnvelope {
    public static func share(
        _ envelope: Decimal, among achieved: [(subject: String, achieved: Int)], sharing: EnvelopeSharing = .proportional
    ) throws(IncentiveError) -> EnvelopeAllocation {
        if envelope < 0 { throw .negativeAmount("l’enveloppe régionale", envelope) }
        let totalAchieved = achieved.reduce(0) { $0 + max(0, $1.achieved) }
        var amounts: [Decimal]
        var note: String
        switch sharing {
        case .fixedPerIndicator(let unit):
            if unit < 0 { throw .negativeAmount("le montant par indicateur atteint", unit) }
            let wanted = Decimal(totalAchieved) * unit
            if wanted <= envelope {
                amounts = achieved.map { Money.truncateToCent(Decimal(max(0, $0.achieved)) * unit) }
                note = "\(Money.format(unit)) par indicateur atteint"
            } else {
                amounts = proportional(envelope, achieved, totalAchieved)
                note = "\(Money.format(unit)) par indicateur atteint, réduit au prorata : \(Money.format(wanted)) demandés pour une enveloppe de \(Money.format(envelope))"
            }
        case .proportional:
            amounts = proportional(envelope, achieved, totalAchieved)
            note = "enveloppe de \(Money.format(envelope)) au prorata de \(totalAchieved) indicateur(s) atteint(s) dans la région"
        }
        let shares = zip(achieved, amounts).map { entry, amount in
            EnvelopeShare(subject: entry.subject, achievedIndicators: max(0, entry.achieved), amount: amount,
                          explanation: Explanation(label: "Part de l’enveloppe régionale (FIR) — \(entry.subject)",
                                                   value: Money.format(amount), source: note,
                                                   children: [Explanation(label: "indicateurs régionaux atteints", value: "\(max(0, entry.achieved))")]))
        }
        let distributed = amounts.reduce(0, +)
        return EnvelopeAllocation(envelope: envelope, sharing: sharing, shares: shares,
                                  distributed: distributed, undistributed: envelope - distributed)
    }

    /// Largest remainder in whole cents; exact integer arithmetic.
    private static func proportional(_ envelope: Decimal, _ achieved: [(subject: String, achieved: Int)], _ total: Int) -> [Decimal] {
        guard total > 0 else { return achieved.map { _ in 0 } }
        let cents = NSDecimalNumber(decimal: Money.truncateToCent(envelope) * 100).int64Value
        var base: [Int64] = []
        var remainders: [(index: Int, remainder: Int64)] = []
        for (index, entry) in achieved.enumerated() {
            let product = cents * Int64(max(0, entry.achieved))
            base.append(product / Int64(total))
            remainders.append((index, product % Int64(total)))
        }
        var left = cents - base.reduce(0, +)
        let order = remainders.sorted { a, b in
            a.remainder != b.remainder ? a.remainder > b.remainder : achieved[a.index].subject < achieved[b.index].subject
        }
        for entry in order where left > 0 && achieved[entry.index].achieved > 0 {
            base[entry.index] += 1
            left -= 1
        }
        return base.map { Decimal($0) / 100 }
    }
}
