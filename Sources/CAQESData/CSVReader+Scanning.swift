/// The tokenizer. It first finds a whole record without touching the bytes (so a record cut by
/// the end of the buffer can be scanned again after a refill), then unescapes quoted fields in place.
extension CSVReader {
    enum ScanOutcome {
        case record(next: Int, fields: Int, innerLines: Int, sawHighByte: Bool, needsCompaction: Bool)
        case blank(next: Int)
        case needMore
        case endOfData
        case unterminatedQuote(innerLines: Int)
    }

    /// Moves to the next record; false at the end of the input.
    public func advance() throws(CSVError) -> Bool {
        while true {
            switch scan() {
            case .needMore:
                try refill()
            case .endOfData:
                currentCount = 0
                return false
            case .unterminatedQuote:
                throw .unterminatedQuote(line: nextLine)
            case .blank(let next):
                start = next
                nextLine += 1
            case let .record(next, fields, innerLines, sawHighByte, needsCompaction):
                let line = nextLine
                if sawHighByte && dialect.encoding == .utf8 {
                    let raw = UnsafeRawBufferPointer(rebasing: buffer[start..<next])
                    if !UTF8Validation.isValid(raw) {
                        guard encodingDetected && !sawNonASCII else { throw .invalidEncoding(line: line) }
                        dialect.encoding = .windows1252
                    }
                }
                if sawHighByte { sawNonASCII = true }
                if needsCompaction { compactQuotedFields(fields) }
                start = next
                nextLine += 1 + innerLines
                currentLine = line
                currentCount = fields
                if let expected = expectedCount, fields != expected {
                    throw .wrongFieldCount(line: line, expected: expected, found: fields)
                }
                return true
            }
        }
    }

    func scan() -> ScanOutcome {
        let p = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = self.end, eof = self.eof
        let sep = dialect.separator, quote = dialect.quote
        let lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var b = bounds, capacity = boundsCapacity
        defer { bounds = b; boundsCapacity = capacity }
        var i = start
        if i >= end { return eof ? .endOfData : .needMore }
        var fields = 0, innerLines = 0
        var high: UInt8 = 0
        var highWord: UInt64 = 0
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let sepWord = ones &* UInt64(sep), lfWord = ones &* UInt64(lf), quoteWord = ones &* UInt64(quote)
        var needsCompaction = false

        while true {
            let fieldStart = i
            var contentStart = i, contentEnd: Int
            if i < end && p[i] == quote {
                i += 1
                var simple = true
                while true {
                    while i + 8 <= end {
                        let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                        let q = word ^ quoteWord, l = word ^ lfWord
                        if ((q &- ones) & ~q | (l &- ones) & ~l) & highs != 0 { break }
                        highWord |= word
                        i += 8
                    }
                    while i < end {
                        let c = p[i]
                        if c == quote { break }
                        if c == lf { innerLines += 1 }
                        high |= c
                        i += 1
                    }
                    if i >= end { return eof ? .unterminatedQuote(innerLines: innerLines) : .needMore }
                    if i + 1 >= end && !eof { return .needMore }
                    if i + 1 < end && p[i + 1] == quote { simple = false; i += 2; continue }
                    i += 1
                    break
                }
                let closed = i
                while i < end {
                    let c = p[i]
                    if c == sep || c == lf { break }
                    high |= c
                    i += 1
                }
                if i >= end && !eof { return .needMore }
                contentEnd = i
                if (i >= end || p[i] == lf) && contentEnd > closed && p[contentEnd - 1] == cr { contentEnd -= 1 }
                if simple && contentEnd == closed {
                    contentStart = fieldStart + 1
                    contentEnd = closed - 1
                } else {
                    // Marked for `compactQuotedFields`: the start is stored as its bitwise complement.
                    contentStart = ~fieldStart
                    needsCompaction = true
                }
            } else {
                // Eight bytes at a time until a word holds the separator or LF (SWAR zero-byte test).
                while i + 8 <= end {
                    let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                    let s = word ^ sepWord, l = word ^ lfWord
                    if ((s &- ones) & ~s | (l &- ones) & ~l) & highs != 0 { break }
                    highWord |= word
                    i += 8
                }
                while i < end {
                    let c = p[i]
                    if c == sep || c == lf { break }
                    high |= c
                    i += 1
                }
                if i >= end && !eof { return .needMore }
                contentEnd = i
                if (i >= end || p[i] == lf) && contentEnd > fieldStart && p[contentEnd - 1] == cr { contentEnd -= 1 }
            }
            if fields == capacity {
                let bigger = UnsafeMutablePointer<Int>.allocate(capacity: 4 * capacity)
                bigger.update(from: b, count: 2 * capacity)
                b.deallocate()
                b = bigger
                capacity *= 2
            }
            b[2 * fields] = contentStart
            b[2 * fields + 1] = contentEnd
            fields += 1
            if i >= end {
                break
            }
            if p[i] == sep { i += 1; continue }
            i += 1  // LF
            break
        }
        if fields == 1 && b[0] == b[1] && p[start] != quote { return .blank(next: i) }
        return .record(next: i, fields: fields, innerLines: innerLines,
                       sawHighByte: high >= 0x80 || highWord & highs != 0, needsCompaction: needsCompaction)
    }

    /// Unescapes `""` and drops the enclosing quotes of marked fields, writing over their own bytes.
    /// Text after a closing quote (`"abc"def`) is kept as is.
    func compactQuotedFields(_ fields: Int) {
        let p = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let quote = dialect.quote
        for k in 0..<fields where bounds[2 * k] < 0 {
            let rawStart = ~bounds[2 * k], rawEnd = bounds[2 * k + 1]
            var r = rawStart + 1, w = rawStart
            while r < rawEnd {
                let c = p[r]
                if c == quote {
                    if r + 1 < rawEnd && p[r + 1] == quote {
                        p[w] = quote; w += 1; r += 2
                        continue
                    }
                    r += 1
                    while r < rawEnd { p[w] = p[r]; w += 1; r += 1 }
                    break
                }
                p[w] = c; w += 1; r += 1
            }
            bounds[2 * k] = rawStart
            bounds[2 * k + 1] = w
        }
    }
}
