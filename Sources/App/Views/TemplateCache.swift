import Leaf
import LeafKit
import NIOCore

/// Parsed templates, kept whatever the environment. Vapor's Leaf turns its cache off in the
/// `development` environment, which is `caqes serve`'s default: every page then re-read and
/// re-lexed its templates (a fifth of a list page's time under load). Turning the cache off is
/// left to `CAQES_TEMPLATE_RELOAD=1`, for someone editing templates.
final class TemplateCache: LeafCache, @unchecked Sendable {
    private let base = DefaultLeafCache()
    private let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    /// Fixed at start-up: Leaf's attempt to switch it off in development is ignored.
    var isEnabled: Bool {
        get { enabled }
        set {}
    }

    var count: Int { base.count }

    func insert(_ document: LeafAST, on loop: any EventLoop, replace: Bool) -> EventLoopFuture<LeafAST> {
        enabled ? base.insert(document, on: loop, replace: replace) : loop.makeSucceededFuture(document)
    }

    func retrieve(documentName: String, on loop: any EventLoop) -> EventLoopFuture<LeafAST?> {
        enabled ? base.retrieve(documentName: documentName, on: loop) : loop.makeSucceededFuture(nil)
    }

    func remove(_ documentName: String, on loop: any EventLoop) -> EventLoopFuture<Bool?> {
        base.remove(documentName, on: loop)
    }
}
