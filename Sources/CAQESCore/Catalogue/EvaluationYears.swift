/// Which years a catalogue evaluates, and from which contract start its `REF` year counts (D9, OP-2).
///
/// Three different years meet here: the *data year* a targeting run reads (national-2025 targets
/// on 2023 data, before its validity: never refused), the *evaluated year* N of an incentive or a
/// regional target (within the catalogue's validity, D9), and the *first contract year* from which
/// a `contract_start - k` reference period counts. Commands, campaigns and runs share these rules.
public enum EvaluationYears {
    /// The first year of the contract: `given` when the contract states it, otherwise the
    /// catalogue's first year of validity (`valid_from`), when contracts under it begin.
    /// national-2022 without a contract start: 2022, so the EPA reference year is 2021.
    public static func contractStart(_ given: Int?, catalogue: CatalogueVersion) -> Int {
        given ?? catalogue.validFrom
    }

    /// The catalogue's `REF` year for a contract starting in `contractStart` (nil: the catalogue's
    /// `valid_from`); nil when the catalogue has no `reference_year`.
    public static func referenceYear(catalogue: CatalogueVersion, contractStart: Int?) -> Int? {
        catalogue.referenceYear?.resolve(contractStartYear: Self.contractStart(contractStart, catalogue: catalogue))
    }

    /// Refuses an evaluated year outside the catalogue's validity: a 2025 incentive cannot be
    /// computed with national-2022, which drops out in 2025 (D9). Targeting reads data years and
    /// does not call this.
    public static func checkEvaluated(_ year: Int, catalogue: CatalogueVersion) throws(IncentiveError) {
        guard catalogue.isValid(in: year) else {
            throw .yearOutsideValidity(catalogue: catalogue.id, year: year, validFrom: catalogue.validFrom,
                                       validTo: catalogue.validTo)
        }
    }
}
