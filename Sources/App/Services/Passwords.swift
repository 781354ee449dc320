import Vapor

/// Password hashing (bcrypt) and the password rules users are told about.
enum Passwords {
    static let minimumLength = 12

    static func hash(_ password: String, app: Application) throws -> String {
        try Bcrypt.hash(password, cost: app.caqesSettings.bcryptCost)
    }

    static func verify(_ password: String, hash: String) -> Bool {
        (try? Bcrypt.verify(password, created: hash)) ?? false
    }

    /// French reason why a new password is refused, or nil.
    static func problem(with password: String) -> String? {
        if password.count < minimumLength {
            return "Le mot de passe doit contenir au moins \(minimumLength) caractères."
        }
        let classes = [
            password.contains(where: \.isLowercase),
            password.contains(where: \.isUppercase),
            password.contains(where: \.isNumber),
            password.contains(where: { !$0.isLetter && !$0.isNumber }),
        ].filter { $0 }.count
        if classes < 3 {
            return "Le mot de passe doit mêler au moins trois types de caractères parmi : minuscules, majuscules, chiffres, symboles."
        }
        return nil
    }
}
