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

    init(_ site: SiteRow) {
        finess = site.finess
        entite_juridique = site.legal_entity_finess
        raison_sociale = site.name
        categorie = site.category_code
        categorie_libelle = site.category_label
        categorie_agregee = site.aggregate_code
        categorie_agregee_libelle = site.aggregate_label
        statut = site.legal_status
        statut_libelle = EstablishmentRow.statusLabel(site.legal_status)
        statut_source = site.status_source
        titulaire = site.holder_finess
        departement = site.department_code
        region = site.region_code
        adresse = site.address
        code_postal = site.postal_code
        commune = site.city
        source = site.source
        date_donnees = site.source_date
        cle_finess_valide = site.key_valid
    }
}

struct EstablishmentListDTO: Content {
    let elements: [EstablishmentDTO]
    let total: Int
    let page: Int
    let par_page: Int
    let pages: Int
}
