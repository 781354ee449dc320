import Foundation

/// Maps chunks of `0..<count` on all cores and joins the results in order.
///
/// Deterministic: the result is the same as a sequential map, whatever the scheduling. Used by
/// bulk runs (3,000 establishments × 8 indicators), whose items are independent.
enum ParallelMap {
    static func map<T: Sendable, E: Error>(_ count: Int, minimumChunk: Int = 64, _ transform: @Sendable (Int) throws(E) -> T) throws(E) -> [T] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / minimumChunk))
        guard workers > 1 else { return try sequential(0..<count, transform) }
        let results = ChunkResults<T, E>(count: workers)
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let range = (worker * chunk)..<min(count, (worker + 1) * chunk)
            results.store(worker, Result { () throws(E) -> [T] in try sequential(range, transform) })
        }
        return try results.joined()
    }

    private static func sequential<T, E: Error>(_ range: Range<Int>, _ transform: (Int) throws(E) -> T) throws(E) -> [T] {
        var result: [T] = []
        result.reserveCapacity(range.count)
        for i in range { result.append(try transform(i)) }
        return result
    }
}

/// Per-chunk results, written once each under a lock.
private final class ChunkResults<T: Sendable, E: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [Result<[T], E>?]

    init(count: Int) {
        chunks = Array(repeating: nil, count: count)
    }

    func store(_ index: Int, _ result: Result<[T], E>) {
        lock.lock()
        chunks[index] = result
        lock.unlock()
    }

    func joined() throws(E) -> [T] {
        lock.lock()
        let all = chunks
        lock.unlock()
        var result: [T] = []
        for chunk in all { result += try chunk!.get() }
        return result
    }
}
