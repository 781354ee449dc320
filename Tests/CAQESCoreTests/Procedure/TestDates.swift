@testable import CAQESCore

/// `JJ/MM/AAAA` literal for test tables; a typo fails loudly.
func day(_ text: String) -> LocalDate {
    do { return try LocalDate(text) } catch { fatalError("bad test date \(text): \(error)") }
}
