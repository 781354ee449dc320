import Vapor

/// An establishment as the JSON API gives it: French snake_case names (D29), like the CSV headers.
struct EstablishmentDTO: Content {
    let finess: String
    let entite_juridique: String
    let raison_sociale: String
    let categorie: String?
    let categorie_libelle: String?
    let categorie_agregee: String?
    let categorie_agregee_libelle: String?
    let statut: String?
    let statut_libelle: String
    let statut_source: String?
    let titulaire: String
    let departement: String
    let region: String?
    let adresse: String?
    let code_postal: String?
    let commune: String?
    let source: String
    let date_donnees: String
    let cle_finess_valide: Bool

    init(_ site: Site) {
        finess = site.id ?? ""
        entite_juridique = site.legalEntityFINESS
        raison_sociale = site.name
        categorie = site.categoryCode
        categorie_libelle = site.categoryLabel
        categorie_agregee = site.aggregateCode
        categorie_agregee_libelle = site.aggregateLabel
        statut = site.legalStatus
        statut_libelle = EstablishmentRow.statusLabel(site)
        statut_source = site.statusSource
        titulaire = site.holderFINESS
        departement = site.departmentCode
        region = site.regionCode
        adresse = site.address
        code_postal = site.postalCode
        commune = site.city
        source = site.source
        date_donnees = site.sourceDate
        cle_finess_valide = site.keyValid
    }
}

struct EstablishmentListDTO: Content {
    let elements: [EstablishmentDTO]
    let total: Int
    let page: Int
    let par_page: Int
    let pages: Int
}
