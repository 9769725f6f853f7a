/// A numeric matrix read from the case file, with the line each row starts on.
struct NumericMatrix {
    var rows: [[Double]] = []
    var lines: [Int] = []
    /// The line of `mpc.<field> =`.
    var line: Int
}

/// Reads the `mpc.<field> = ...;` assignments of a MATPOWER case file as MATLAB would for plain
/// numeric matrices: `%` comments, `;` or a newline end a row, `...` continues a line, commas or
/// blanks separate values. Every other statement is skipped (strings and brackets respected).
struct CaseScanner {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1

    init(_ text: String) { bytes = Array(text.utf8) }

    /// The wanted fields that were assigned; a later assignment replaces an earlier one, as in MATLAB.
    mutating func read(fields wanted: Set<String>) throws(CaseFileError) -> [String: NumericMatrix] {
        var found: [String: NumericMatrix] = [:]
        while true {
            skipBetweenStatements()
            guard i < bytes.count else { return found }
            guard isLetter(bytes[i]) else { try skipStatement(); continue }
            let name = readName()
            if name == "function" { skipToEndOfLine(); continue }
            skipSpaces()
            guard peek(0) == UInt8(ascii: "="), peek(1) != UInt8(ascii: "=") else { try skipStatement(); continue }
            i += 1
            skipSpaces()
            let parts = name.split(separator: ".")
            guard parts.count == 2, let field = parts.last.map(String.init), wanted.contains(field) else { try skipStatement(); continue }
            let start = line
            if peek(0) == UInt8(ascii: "[") {
                i += 1
                found[field] = try readMatrix(field: field, startLine: start)
            } else {
                found[field] = try readScalar(field: field, startLine: start)
            }
        }
    }

    // MARK: - Values

    private mutating func readMatrix(field: String, startLine: Int) throws(CaseFileError) -> NumericMatrix {
        var matrix = NumericMatrix(line: startLine)
        var row: [Double] = []
        var rowLine = line
        func endRow() throws(CaseFileError) {
            guard !row.isEmpty else { return }
            if let width = matrix.rows.first?.count, width != row.count {
                throw .raggedRow(field: field, line: rowLine, columns: row.count, expected: width)
            }
            matrix.rows.append(row)
            matrix.lines.append(rowLine)
            row.removeAll(keepingCapacity: true)
        }
        while true {
            guard i < bytes.count else { throw .syntax(line: startLine, reason: "mpc.\(field) = [ is never closed by ]") }
            let c = bytes[i]
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ","):
                i += 1
            case UInt8(ascii: "%"):
                skipToEndOfLine()
            case UInt8(ascii: "\n"):
                try endRow()
                i += 1; line += 1
            case UInt8(ascii: ";"):
                try endRow()
                i += 1
            case UInt8(ascii: "]"):
                try endRow()
                i += 1
                return matrix
            case UInt8(ascii: ".") where isEllipsis(at: i):
                skipToEndOfLine()
                if i < bytes.count { i += 1; line += 1 }
            case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "'"), UInt8(ascii: "\""):
                throw .syntax(line: line, reason: "unexpected \"\(Character(Unicode.Scalar(c)))\" inside mpc.\(field)")
            default:
                if row.isEmpty { rowLine = line }
                let token = readToken()
                guard let value = Self.number(token) else { throw .notANumber(field: field, token: token, line: line) }
                row.append(value)
            }
        }
    }

    private mutating func readScalar(field: String, startLine: Int) throws(CaseFileError) -> NumericMatrix {
        let token = readToken()
        guard let value = Self.number(token) else { throw .notANumber(field: field, token: token, line: line) }
        return NumericMatrix(rows: [[value]], lines: [startLine], line: startLine)
    }

    /// A MATLAB number: [+-] digits [. digits] [eEdD [+-] digits], or [+-] Inf / NaN.
    static func number(_ token: String) -> Double? {
        var body = Substring(token)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" { negative = sign == "-"; body = body.dropFirst() }
        switch body {
        case "Inf", "inf": return negative ? -.infinity : .infinity
        case "NaN", "nan": return .nan
        default: break
        }
        var digits = 0, index = body.startIndex
        func run() { while index < body.endIndex, body[index].isASCII, body[index].isNumber { index = body.index(after: index); digits += 1 } }
        run()
        if index < body.endIndex, body[index] == "." { index = body.index(after: index); run() }
        guard digits > 0 else { return nil }
        if index < body.endIndex, "eEdD".contains(body[index]) {
            index = body.index(after: index)
            if index < body.endIndex, body[index] == "+" || body[index] == "-" { index = body.index(after: index) }
            digits = 0
            run()
            guard digits > 0 else { return nil }
        }
        guard index == body.endIndex else { return nil }
        let hasD = token.utf8.contains { $0 == UInt8(ascii: "d") || $0 == UInt8(ascii: "D") }
        guard let value = Double(hasD ? token.replacing("d", with: "e").replacing("D", with: "e") : token) else { return nil }
        return value
    }

    // MARK: - Skipping

    /// Blanks, newlines, comments and statement separators between statements.
    private mutating func skipBetweenStatements() {
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ";"), UInt8(ascii: ","): i += 1
            case UInt8(ascii: "\n"): i += 1; line += 1
            case UInt8(ascii: "%"): skipToEndOfLine()
            default: return
            }
        }
    }

    /// Up to the end of a statement we do not need, honouring brackets, strings, comments and `...`.
    private mutating func skipStatement() throws(CaseFileError) {
        let start = line
        var depth = 0
        var previous: UInt8 = UInt8(ascii: " ")
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "%"): skipToEndOfLine(); continue
            case UInt8(ascii: "\n"):
                if depth == 0 { return }
                line += 1
            case UInt8(ascii: ";"), UInt8(ascii: ","):
                if depth == 0 { i += 1; return }
            case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "("): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ")"): depth = max(0, depth - 1)
            case UInt8(ascii: ".") where isEllipsis(at: i):
                skipToEndOfLine()
                if i < bytes.count { i += 1; line += 1 }
                continue
            case UInt8(ascii: "'") where !(isLetter(previous) || isDigit(previous) || ")]}'.".utf8.contains(previous)),
                 UInt8(ascii: "\""):
                // A string: to its closing quote on the same line ('' inside is two strings back to back).
                i += 1
                while i < bytes.count, bytes[i] != c {
                    if bytes[i] == UInt8(ascii: "\n") { throw .syntax(line: line, reason: "a string starting on line \(start) is not closed") }
                    i += 1
                }
            default: break
            }
            previous = c
            i += 1
        }
    }

    private mutating func skipToEndOfLine() { while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 } }
    private mutating func skipSpaces() { while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 } }

    private mutating func readName() -> String {
        let start = i
        while i < bytes.count, isLetter(bytes[i]) || isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_") || (bytes[i] == UInt8(ascii: ".") && !isEllipsis(at: i)) { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    /// Up to the next separator; a token is never empty (the caller saw a non-separator).
    private mutating func readToken() -> String {
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n") || c == UInt8(ascii: ",")
                || c == UInt8(ascii: ";") || c == UInt8(ascii: "]") || c == UInt8(ascii: "%") || (c == UInt8(ascii: ".") && isEllipsis(at: i)) { break }
            i += 1
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private func peek(_ offset: Int) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }
    private func isEllipsis(at index: Int) -> Bool {
        index + 2 < bytes.count && bytes[index] == UInt8(ascii: ".") && bytes[index + 1] == UInt8(ascii: ".") && bytes[index + 2] == UInt8(ascii: ".")
    }
    private func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}
