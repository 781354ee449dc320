import Foundation
import Vapor

/// The client's address for login throttling and logs. `X-Forwarded-For` is believed only when
/// the peer is a trusted proxy (`CAQES_TRUSTED_PROXIES`); otherwise anyone could pick the
/// address their failures count against.
enum ClientAddress {
    static func of(_ request: Request) -> String {
        // The socket peer, never `peerAddress`, which believes forwarding headers from anyone.
        let peer = request.remoteAddress?.ipAddress ?? "inconnue"
        let trusted = request.application.caqesSettings.trustedProxies
        return resolve(peer: peer, forwardedFor: request.headers[.xForwardedFor], trusted: trusted)
    }

    /// Walks `X-Forwarded-For` from the right (the nearest hop) past trusted proxies; the first
    /// address that is not a trusted proxy is the client.
    static func resolve(peer: String, forwardedFor: [String], trusted: [ProxyRange]) -> String {
        guard trusted.contains(where: { $0.contains(peer) }) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !trusted.contains(where: { $0.contains(hop) }) {
            return String(hop.prefix(64))
        }
        return hops.first.map { String($0.prefix(64)) } ?? peer
    }
}

/// One trusted proxy: an address, or an IPv4 range in CIDR form (`10.0.0.0/8`).
struct ProxyRange: Sendable, Equatable {
    let text: String
    private let network: UInt32?
    private let mask: UInt32

    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        self.text = trimmed
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard let address = Self.ipv4(String(parts[0])), let bits = Int(parts[1]), (0...32).contains(bits) else { return nil }
            mask = bits == 0 ? 0 : UInt32.max << UInt32(32 - bits)
            network = address & mask
        } else {
            network = nil
            mask = 0
        }
    }

    func contains(_ address: String) -> Bool {
        if let network {
            guard let value = Self.ipv4(address) else { return false }
            return value & mask == network
        }
        return address == text
    }

    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard part.count <= 3, let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    static func parseList(_ text: String?) throws -> [ProxyRange] {
        guard let text, !text.isEmpty else { return [] }
        return try text.split(separator: ",").map { item in
            guard let range = ProxyRange(String(item)) else { throw SettingsError.invalid("CAQES_TRUSTED_PROXIES", String(item)) }
            return range
        }
    }
}
