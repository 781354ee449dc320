import Vapor

/// An establishment as the JSON API gives it.
struct EstablishmentDTO: Content {
    let finess: String
    let legalEntityFiness: String
    let name: String
    let categoryCode: String?
    let categoryLabel: String?
    let aggregateCategoryCode: String?
    let aggregateCategoryLabel: String?
    let legalStatus: String?
    let contractHolderFiness: String
    let departmentCode: String
    let regionCode: String?
    let address: String?
    let postalCode: String?
    let city: String?
    let source: String
    let sourceDate: String
    let finessKeyValid: Bool

    init(_ site: Site) {
        finess = site.id ?? ""
        legalEntityFiness = site.legalEntityFINESS
        name = site.name
        categoryCode = site.categoryCode
        categoryLabel = site.categoryLabel
        aggregateCategoryCode = site.aggregateCode
        aggregateCategoryLabel = site.aggregateLabel
        legalStatus = site.legalStatus
        contractHolderFiness = site.holderFINESS
        departmentCode = site.departmentCode
        regionCode = site.regionCode
        address = site.address
        postalCode = site.postalCode
        city = site.city
        source = site.source
        sourceDate = site.sourceDate
        finessKeyValid = site.keyValid
    }
}

struct EstablishmentListDTO: Content {
    let items: [EstablishmentDTO]
    let total: Int
    let page: Int
    let perPage: Int
    let pageCount: Int
}
