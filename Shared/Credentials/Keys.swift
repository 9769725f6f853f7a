import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A member's P-256 signing key and its PEM forms.
///
/// Members make their own key pair and only ever hand out the public half, so the registry
/// never sees a member's private key. The PEM forms are the standard ones (PKCS#8
/// "PRIVATE KEY", SubjectPublicKeyInfo "PUBLIC KEY") so keys move freely between this code
/// and openssl.
public enum MemberKey {
    /// A fresh key pair from the system's secure random source.
    public static func generate() -> P256.Signing.PrivateKey {
        P256.Signing.PrivateKey()
    }

    /// PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), as `openssl genpkey` writes.
    public static func privateKeyPEM(_ key: P256.Signing.PrivateKey) -> String {
        key.pemRepresentation
    }

    /// Reads a PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY" PEM holding a P-256 key.
    public static func loadPrivateKey(pem: String) throws(KeyError) -> P256.Signing.PrivateKey {
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw .unreadable("not a P-256 private key PEM")
        }
    }

    /// SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"), as `openssl pkey -pubout` writes.
    public static func publicKeyPEM(_ key: P256.Signing.PublicKey) -> String {
        key.pemRepresentation
    }

    /// Reads a SubjectPublicKeyInfo "PUBLIC KEY" PEM holding a P-256 key.
    public static func loadPublicKey(pem: String) throws(KeyError) -> P256.Signing.PublicKey {
        do {
            return try P256.Signing.PublicKey(pemRepresentation: pem)
        } catch {
            throw .unreadable("not a P-256 public key PEM")
        }
    }

    /// Writes the key as PKCS#8 PEM to `path`, readable and writable by the owner only (0600).
    ///
    /// The file is opened with mode 0600 and then `fchmod`ed, so the key is never on disk
    /// under looser permissions, not even when an existing file is overwritten.
    public static func write(privateKey: P256.Signing.PrivateKey, to path: String) throws(KeyError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw .fileWrite(path: path, reason: currentErrnoDescription()) }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else {
            throw .fileWrite(path: path, reason: currentErrnoDescription())
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        do {
            try handle.write(contentsOf: Data(privateKeyPEM(privateKey).utf8))
        } catch {
            throw .fileWrite(path: path, reason: error.localizedDescription)
        }
    }

    /// Reads a private key PEM file written by `write(privateKey:to:)` or by openssl.
    public static func readPrivateKey(from path: String) throws(KeyError) -> P256.Signing.PrivateKey {
        let pem: String
        do {
            pem = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .fileRead(path: path, reason: error.localizedDescription)
        }
        return try loadPrivateKey(pem: pem)
    }

    private static func currentErrnoDescription() -> String {
        String(cString: strerror(errno))
    }
}

/// Why a key could not be loaded or stored.
public enum KeyError: Error, Equatable, CustomStringConvertible {
    /// The text is not a PEM of the expected kind of P-256 key.
    case unreadable(String)
    /// The key file could not be read.
    case fileRead(path: String, reason: String)
    /// The key file could not be written.
    case fileWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let reason): "unreadable key: \(reason)"
        case .fileRead(let path, let reason): "cannot read key file \(path): \(reason)"
        case .fileWrite(let path, let reason): "cannot write key file \(path): \(reason)"
        }
    }
}
