import Foundation
import Testing
@testable import CAQESCore

@Suite("Shipped catalogue files")
struct ShippedCatalogueTests {
    @Test("each shipped catalogue file loads without error", arguments: ShippedCatalogues.files)
    func loadsCleanly(file: String) throws {
        do {
            let catalogue = try ShippedCatalogues.load(file)
            #expect(!catalogue.indicators.isEmpty)
            #expect(catalogue.file == file)
        } catch let error as CatalogueError {
            Issue.record("\(error)")
        }
    }
}
