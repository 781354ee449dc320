import CAQESCore
import Foundation

/// The per-row loop of one stream (the whole file, or one byte range of it). Flat arrays indexed
/// by slot, nothing allocated per row; problems carry lines relative to the stream.
struct PHMEVAccumulator {
    struct Columns {
        let levels: (Int, Int, Int, Int, Int)
        let finess: Int, boxes: Int, amount: Int
        let finessName: String, boxesName: String, amountName: String

        init(_ reader: CSVReader) throws(CSVError) {
            let i = try reader.requireColumns(["atc1", "atc2", "atc3", "atc4", "ATC5", "etb_rgt", "BOITES", "REM"])
            levels = (i[0], i[1], i[2], i[3], i[4])
            finess = i[5]; boxes = i[6]; amount = i[7]
            finessName = reader.header[finess]; boxesName = reader.header[boxes]; amountName = reader.header[amount]
        }
    }

    static let measures = PHMEVMeasure.allCases.count
    static let classes = PHMEVClass.allCases.count

    let options: PHMEVOptions
    let classifier = ATCClassifier()
    var table = FINESSSlotTable()
    var slotKeys: [UInt32] = []
    var slotBadKey: [Bool] = []
    var values: [Int64] = []
    var leftOut: [Int32] = []
    var classRows: [Int32] = []
    var undetermined: [Int32] = []

    var rowsRead = 0, outside = 0, badFormat = 0, badKey = 0, problemCount = 0
    var byClass = [Int](repeating: 0, count: classes), undeterminedByClass = [Int](repeating: 0, count: classes)
    var masked = [Int](repeating: 0, count: measures), invalid = [Int](repeating: 0, count: measures)
    var negative = [Int](repeating: 0, count: measures), rounded = [Int](repeating: 0, count: measures)
    var problems: [RowProblem] = []
    /// Physical lines consumed, header included (set at the end of `consume`).
    var linesConsumed = 0

    init(options: PHMEVOptions) { self.options = options }

    mutating func consume(_ reader: CSVReader) throws(CSVError) {
        let columns = try Columns(reader)
        var lastKey = UInt32.max, lastSlot = -1
        while try reader.advance() {
            let record = reader.current
            rowsRead += 1
            let finessBytes = record.bytes(columns.finess)
            var slot: Int
            if let key = FINESSKey.key(finessBytes), key == lastKey {
                slot = lastSlot
            } else {
                guard let found = slotFor(record, columns) else { continue }
                slot = found
                // A flagged slot must be flagged again on every row: not cached.
                if !slotBadKey[slot] { lastKey = slotKeys[slot]; lastSlot = slot }
            }
            switch classifier.classify(record, levels: columns.levels) {
            case .outside:
                outside += 1
            case .undetermined(let possible):
                for c in 0..<Self.classes where possible & (1 << UInt8(c)) != 0 {
                    undeterminedByClass[c] += 1
                    undetermined[slot * Self.classes + c] += 1
                }
            case .matched(let drugClass):
                let c = drugClass.rawValue
                byClass[c] += 1
                classRows[slot * Self.classes + c] += 1
                add(record, column: columns.amount, name: columns.amountName, measure: 2 * c, slot: slot)
                add(record, column: columns.boxes, name: columns.boxesName, measure: 2 * c + 1, slot: slot)
            }
        }
        linesConsumed = reader.nextLine - 1
    }

    /// Slot of the row's establishment, created on first sight; nil (and a problem) for a bad FINESS.
    mutating func slotFor(_ record: CSVRawRecord, _ columns: Columns) -> Int? {
        let raw = record.bytes(columns.finess)
        guard let key = FINESSKey.key(raw) ?? FINESSKey.key(text: record[columns.finess]) else {
            badFormat += 1
            report(RowProblem(line: record.line, column: columns.finessName, value: record[columns.finess],
                              reason: "numéro FINESS mal formé (9 caractères attendus : chiffres, ou 2A/2B pour la Corse) — ligne écartée"))
            return nil
        }
        if let slot = table.slot(key) {
            if slotBadKey[slot] { flagBadKey(record, columns) }
            return slot
        }
        let validKey = FINESSKey.hasValidKey(key)
        if !validKey {
            flagBadKey(record, columns)
            if !options.acceptBadKeys { return nil }
        }
        let slot = slotKeys.count
        table.insert(key, slot: slot)
        slotKeys.append(key)
        slotBadKey.append(!validKey)
        values.append(contentsOf: repeatElement(0, count: Self.measures))
        leftOut.append(contentsOf: repeatElement(0, count: Self.measures))
        classRows.append(contentsOf: repeatElement(0, count: Self.classes))
        undetermined.append(contentsOf: repeatElement(0, count: Self.classes))
        return slot
    }

    mutating func flagBadKey(_ record: CSVRawRecord, _ columns: Columns) {
        badKey += 1
        let outcome = options.acceptBadKeys ? "ligne comptée, à vérifier" : "ligne écartée"
        report(RowProblem(line: record.line, column: columns.finessName, value: record[columns.finess],
                          reason: "clé de contrôle FINESS (Luhn) fausse — \(outcome)"))
    }

    @inline(__always)
    mutating func add(_ record: CSVRawRecord, column: Int, name: String, measure m: Int, slot: Int) {
        let bytes = record.bytes(column)
        let scale = m % 2 == 0 ? 2 : 0
        if let value = FrenchNumber.scaledInteger(bytes, scale: scale) {
            values[slot * Self.measures + m] &+= value
            if value < 0 { negative[m] += 1 }
            return
        }
        slowAdd(record, column: column, name: name, measure: m, slot: slot)
    }

    /// Cells the fast parser refuses: masks, blanks, `3.0` boxes, long float amounts, garbage.
    mutating func slowAdd(_ record: CSVRawRecord, column: Int, name: String, measure m: Int, slot: Int) {
        let measure = PHMEVMeasure.at(m)
        func leave(_ reason: String, masked isMasked: Bool) {
            if isMasked { masked[m] += 1 } else { invalid[m] += 1 }
            leftOut[slot * Self.measures + m] += 1
            report(RowProblem(line: record.line, column: name, value: record[column],
                              reason: "\(reason) — non compté dans \(measure.rawValue) (ni lu comme 0)"))
        }
        let cell: CellValue
        do { cell = try record.cellValue(column) } catch {
            return leave(error.reason, masked: false)
        }
        switch cell {
        case .empty:
            leave("valeur vide (masquée ?)", masked: true)
        case .masked(let reason):
            leave("valeur masquée (\(reason))", masked: true)
        case .number(let number):
            var scaled = number * (measure.isAmount ? 100 : 1)
            var whole = Decimal()
            NSDecimalRound(&whole, &scaled, 0, .plain)
            if whole != scaled {
                guard measure.isAmount else { return leave("nombre de boîtes non entier", masked: false) }
                rounded[m] += 1
            }
            guard abs(whole) < 1e17 else { return leave("valeur trop grande", masked: false) }
            let value = NSDecimalNumber(decimal: whole).int64Value
            values[slot * Self.measures + m] &+= value
            if value < 0 { negative[m] += 1 }
        }
    }

    mutating func report(_ problem: @autoclosure () -> RowProblem) {
        problemCount += 1
        if problems.count < options.problemLimit { problems.append(problem()) }
    }
}
