import CAQESCore
import Foundation
@testable import CAQESData

/// Small Open PHMEV files written in the real header and format, one row per call.
struct PHMEVFixture {
    static let header = "atc1;l_atc1;atc2;L_ATC2;atc3;L_ATC3;atc4;L_ATC4;ATC5;L_ATC5;CIP13;l_cip13;TOP_GEN;GEN_NUM;age;"
        + "SEXE;etb_rgt;categorie_jur;categorie_jur_rgt;code_postal;nom_etb;nom_ville;nom_voie;numero_voie;"
        + "raison_sociale_etb;top_etb_age;top_etb_sexe;region_etb;BOITES;REM;BSE"

    /// FINESS numbers with a right key (from the sample).
    static let lyon = "690781810"
    static let pitie = "750100125"
    static let ajaccio = "2A0000014"

    var lines = [header]

    /// A row whose ATC levels are the prefixes of `atc` (7 characters, or shorter when the level
    /// does not exist); `masked` blanks out levels from that depth down (`9999…`).
    mutating func add(atc: String, masked fromLevel: Int? = nil, finess: String = lyon,
                      boxes: String = "10", rem: String = "100.50") {
        let lengths = [1, 3, 4, 5, 7]
        var codes: [String] = lengths.map { String(atc.prefix($0)) }
        if let fromLevel { for k in fromLevel..<5 { codes[k] = String(repeating: "9", count: lengths[k]) } }
        var fields: [String] = []
        for code in codes { fields += [code, "LIBELLE \(code)"] }
        fields += ["9999999999999", "Non restitué", "9", "9999.0", "60", "9"]
        fields += [finess, "ch", "CH", "69003", "HOPITAL", "LYON", "DES CELESTINS", "3.0", "HOPITAL", "1", "1", "84"]
        fields += [boxes, rem, rem]
        lines.append(fields.joined(separator: ";"))
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    func aggregate(options: PHMEVOptions = PHMEVOptions()) throws -> PHMEVAggregate {
        let reader = try CSVReader(data: Array(text.utf8))
        return try PHMEVAggregator.aggregate(reader: reader, year: 2024, options: options)
    }

    /// Writes the file to a fresh temporary path.
    func write() throws -> String {
        try Self.temporaryFile(Data(text.utf8))
    }

    static func temporaryFile(_ data: Data, suffix: String = ".csv") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("phmev-\(UUID().uuidString)\(suffix)").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}

extension PHMEVAggregate {
    /// Value of one establishment given as text.
    func value(_ measure: PHMEVMeasure, _ finess: String) -> Int64? {
        value(measure, for: try! FINESS(uncheckedKey: finess))
    }
}
