#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension MatpowerCase {
    /// Column counts MATPOWER's own format requires (version 2, power-flow columns).
    static let busColumns = 13, genColumns = 10, branchColumns = 11

    /// Parses a MATPOWER case file's text: `mpc.baseMVA`, `mpc.bus`, `mpc.gen` and `mpc.branch`;
    /// every other field (gencost, names, ...) is skipped.
    public init(parsing text: String) throws(CaseFileError) {
        var scanner = CaseScanner(text)
        let fields = try scanner.read(fields: ["baseMVA", "bus", "gen", "branch"])
        guard let base = fields["baseMVA"] else { throw .missingField("baseMVA") }
        guard let busMatrix = fields["bus"] else { throw .missingField("bus") }
        guard let genMatrix = fields["gen"] else { throw .missingField("gen") }
        guard let branchMatrix = fields["branch"] else { throw .missingField("branch") }
        guard base.rows.count == 1, base.rows[0].count == 1 else {
            throw .badValue(field: "baseMVA", column: "", line: base.line, reason: "must be a single number")
        }
        let baseMVA = base.rows[0][0]
        guard baseMVA.isFinite, baseMVA > 0 else { throw .badValue(field: "baseMVA", column: "", line: base.line, reason: "must be a positive number, not \(baseMVA)") }
        self.init(baseMVA: baseMVA,
                  buses: try Self.buses(busMatrix),
                  generators: try Self.generators(genMatrix),
                  branches: try Self.branches(branchMatrix))
    }

    /// Reads and parses a case file (the library's only file access).
    public init(contentsOf path: String) throws(CaseFileError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        guard let text = String(validating: data, as: UTF8.self) ?? String(bytes: data, encoding: .isoLatin1) else {
            throw .unreadable(path: path, reason: "not text")
        }
        try self.init(parsing: text)
    }

    private static func require(_ matrix: NumericMatrix, _ field: String, columns: Int) throws(CaseFileError) {
        if let width = matrix.rows.first?.count, width < columns {
            throw .tooFewColumns(field: field, line: matrix.lines[0], columns: width, required: columns)
        }
    }

    private static func buses(_ matrix: NumericMatrix) throws(CaseFileError) -> [CaseBus] {
        try require(matrix, "bus", columns: busColumns)
        var buses: [CaseBus] = []
        buses.reserveCapacity(matrix.rows.count)
        for (row, line) in zip(matrix.rows, matrix.lines) {
            let cell = Cell(field: "bus", line: line)
            let typeCode = try cell.integer(row[1], "BUS_TYPE")
            guard let type = BusType(rawValue: typeCode) else { throw cell.bad("BUS_TYPE", "must be 1, 2, 3 or 4, not \(typeCode)") }
            buses.append(CaseBus(number: try cell.busNumber(row[0], "BUS_I"), type: type,
                                 loadMW: try cell.finite(row[2], "PD"), shuntMW: try cell.finite(row[4], "GS")))
        }
        return buses
    }

    private static func generators(_ matrix: NumericMatrix) throws(CaseFileError) -> [CaseGenerator] {
        try require(matrix, "gen", columns: genColumns)
        return try matrix.rows.indices.map { (r) throws(CaseFileError) -> CaseGenerator in
            let row = matrix.rows[r], cell = Cell(field: "gen", line: matrix.lines[r])
            return CaseGenerator(bus: try cell.busNumber(row[0], "GEN_BUS"), outputMW: try cell.finite(row[1], "PG"), status: try cell.finite(row[7], "GEN_STATUS"))
        }
    }

    private static func branches(_ matrix: NumericMatrix) throws(CaseFileError) -> [CaseBranch] {
        try require(matrix, "branch", columns: branchColumns)
        return try matrix.rows.indices.map { (r) throws(CaseFileError) -> CaseBranch in
            let row = matrix.rows[r], cell = Cell(field: "branch", line: matrix.lines[r])
            return CaseBranch(from: try cell.busNumber(row[0], "F_BUS"), to: try cell.busNumber(row[1], "T_BUS"),
                              reactance: try cell.finite(row[3], "BR_X"),
                              rateA: try cell.rate(row[5], "RATE_A"), rateB: try cell.rate(row[6], "RATE_B"), rateC: try cell.rate(row[7], "RATE_C"),
                              tap: try cell.finite(row[8], "TAP"), shiftDegrees: try cell.finite(row[9], "SHIFT"),
                              status: try cell.finite(row[10], "BR_STATUS"))
        }
    }

    /// One value of one row, for errors that name the line and the column.
    private struct Cell {
        let field: String
        let line: Int

        func bad(_ column: String, _ reason: String) -> CaseFileError { .badValue(field: field, column: column, line: line, reason: reason) }

        func finite(_ value: Double, _ column: String) throws(CaseFileError) -> Double {
            guard value.isFinite else { throw bad(column, "must be a finite number, not \(value)") }
            return value
        }

        func rate(_ value: Double, _ column: String) throws(CaseFileError) -> Double {
            guard !value.isNaN, value >= 0 else { throw bad(column, "must be 0 (unlimited) or positive, not \(value)") }
            return value
        }

        func integer(_ value: Double, _ column: String) throws(CaseFileError) -> Int {
            guard value.isFinite, value.rounded() == value, abs(value) < 1e15 else { throw bad(column, "must be an integer, not \(value)") }
            return Int(value)
        }

        func busNumber(_ value: Double, _ column: String) throws(CaseFileError) -> Int {
            let number = try integer(value, column)
            guard number > 0 else { throw bad(column, "must be a positive bus number, not \(number)") }
            return number
        }
    }
}
