/// Why a MATPOWER case file could not be read; `line` counts from 1.
public enum CaseFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case missingField(String)
    case notANumber(field: String, token: String, line: Int)
    case raggedRow(field: String, line: Int, columns: Int, expected: Int)
    case tooFewColumns(field: String, line: Int, columns: Int, required: Int)
    case badValue(field: String, column: String, line: Int, reason: String)
    case syntax(line: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read case file \(path): \(reason)"
        case .missingField(let field): "the case file has no mpc.\(field)"
        case .notANumber(let field, let token, let line): "line \(line): \"\(token)\" in mpc.\(field) is not a number"
        case .raggedRow(let field, let line, let columns, let expected):
            "line \(line): a row of mpc.\(field) has \(columns) columns, the rows before it \(expected)"
        case .tooFewColumns(let field, let line, let columns, let required):
            "line \(line): mpc.\(field) has \(columns) columns, at least \(required) are needed"
        case .badValue(let field, let column, let line, let reason): "line \(line): mpc.\(field) \(column) \(reason)"
        case .syntax(let line, let reason): "line \(line): \(reason)"
        }
    }
}
