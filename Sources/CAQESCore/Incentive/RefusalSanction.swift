import Foundation

/// The sanction for refusing to sign a 2022+ contract: a share of the AM products of the last
/// closed financial year, 1 % in the national catalogues (CSS D162-15, D14), read from the
/// catalogue's `refusal_sanction_rate`. The amended proposal states this amount.
public struct RefusalSanction: Sendable, Equatable {
    public let subject: String
    /// The last closed financial year whose products are the base.
    public let year: Int
    public let amProducts: Decimal
    public let rate: Decimal
    /// Rounded to the cent (D7).
    public let amount: Decimal
    public let explanation: Explanation
    /// `Sanction de refus de signature 2021 : 80 000 000 × 1 % = 800 000,00 €`.
    public let trace: String

    /// The sanction on a known products amount, at the catalogue's `refusalSanctionRate`.
    public static func compute(subject: String, year: Int, amProducts: Decimal, rate: Decimal)
        throws(IncentiveError) -> RefusalSanction {
        if amProducts < 0 { throw .negativeAmount("les produits de l’assurance maladie", amProducts) }
        if rate < 0 { throw .negativeRate(indicator: "sanction de refus", rate: rate) }
        let amount = ContractProcedure.refusalSanction(insuranceProductsLastClosedYear: amProducts, rate: rate)
        let explanation = Explanation(
            label: "Sanction de refus de signature \(year)", value: Money.format(amount),
            children: [
                Explanation(label: "produits de l’assurance maladie, exercice \(year)",
                            value: FrenchNumberFormat.decimal(amProducts), measure: "am_products", year: year),
                Explanation(label: "taux", value: Money.percent(rate), source: "CSS D162-15"),
            ],
            form: .infix, symbol: "×")
        return RefusalSanction(subject: subject, year: year, amProducts: amProducts, rate: rate, amount: amount,
                               explanation: explanation, trace: "\(explanation.label) : \(explanation.oneLine)")
    }

    /// The sanction from the measure `am_products` of `lastClosedYear` and the catalogue's
    /// `refusal_sanction_rate` parameter; a catalogue without one is refused (no hidden default).
    public static func compute(subject: String, lastClosedYear: Int, measures: MeasureSet, catalogue: CatalogueVersion)
        throws(IncentiveError) -> RefusalSanction {
        guard case .number(let products)? = measures.value(of: "am_products", year: lastClosedYear, for: subject)?.value else {
            throw .missingValue(subject: subject, MissingValue(code: "am_products", year: lastClosedYear))
        }
        guard let rate = catalogue.refusalSanctionRate else {
            throw .missingParameter(catalogue: catalogue.id, CatalogueLoader.refusalSanctionRateParameter)
        }
        return try compute(subject: subject, year: lastClosedYear, amProducts: products, rate: rate)
    }
}
