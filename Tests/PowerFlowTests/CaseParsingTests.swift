import Testing
@testable import PowerFlow

@Suite struct CaseParsingTests {
    /// Everything the format allows at once: comments, tabs, blank lines, commas, `...`,
    /// rows ended by newlines, 1e-3, -Inf, other fields (strings with % and ;) skipped.
    static let awkward = """
        function mpc = awkward
        %AWKWARD  a header comment; with a semicolon [ and a bracket
        mpc.version = '2';
        mpc.baseMVA = 1e2;   % MVA
        mpc.names = { 'a % not a comment'; 'b; c' };

        mpc.bus = [
        \t1\t3\t0\t0\t0\t0\t1\t1\t0\t135\t1\t1.05\t0.95;
        \t2, 1, 25.5, 0, 1e-3, 0, 1, 1, 0, 135, 1, 1.05, 0.95   % newline ends the row
        \t3\t1\t10\t0\t0\t0\t1\t1\t0\t135 ...
        \t  1\t1.05\t0.95;

        ];
        mpc.gen = [
        \t1\t35.5\t0\t10\t-10\t1\t100\t1\t-Inf\tInf;
        ];
        mpc.branch = [
        \t1\t2\t0.01\t0.1\t0\t130\t0\t0\t0\t0\t1;\t1\t3\t0.01\t0.2\t0\t0\t0\t0\t0.98\t-1.5\t1;
        \t2\t3\t0.01\t0.25\t0\t65\t0\t0\t0\t0\t0;
        ];
        mpc.gencost = [ 2 0 0 3 0.01 40 0 ];
        """

    @Test func readsEveryFormOfRowAndValue() throws {
        let data = try MatpowerCase(parsing: Self.awkward)
        #expect(data.baseMVA == 100)
        #expect(data.buses.map(\.number) == [1, 2, 3])
        #expect(data.buses.map(\.type) == [.reference, .pq, .pq])
        #expect(data.buses[1].loadMW == 25.5)
        #expect(data.buses[1].shuntMW == 0.001)
        #expect(data.buses[2].loadMW == 10)
        #expect(data.generators == [CaseGenerator(bus: 1, outputMW: 35.5, status: 1)])
        #expect(data.branches.count == 3)
        #expect(data.branches[1] == CaseBranch(from: 1, to: 3, reactance: 0.2, rateA: 0, tap: 0.98, shiftDegrees: -1.5, status: 1))
        #expect(data.branches[2].status == 0)
        #expect(data.branches[1].limitMW == nil)
        #expect(data.branches[0].limitMW == 130)
    }

    @Test func numbersAsMatlabWritesThem() {
        #expect(CaseScanner.number("1e-3") == 0.001)
        #expect(CaseScanner.number("-Inf") == -.infinity)
        #expect(CaseScanner.number("+2.5D1") == 25)
        #expect(CaseScanner.number(".5") == 0.5)
        #expect(CaseScanner.number("NaN")?.isNaN == true)
        #expect(CaseScanner.number("1e") == nil)
        #expect(CaseScanner.number("0x10") == nil)
        #expect(CaseScanner.number("abc") == nil)
        #expect(CaseScanner.number("") == nil)
    }

    @Test func readsTheRepositoryCase30() throws {
        let data = try MatpowerCase(contentsOf: Fixtures.casePath("case30.m"))
        #expect(data.buses.count == 30 && data.generators.count == 6 && data.branches.count == 41)
        #expect(data.branches[0] == CaseBranch(from: 1, to: 2, reactance: 0.06, rateA: 130, rateB: 130, rateC: 130, tap: 0, shiftDegrees: 0, status: 1))
    }

    private func failure(_ text: String) -> CaseFileError? {
        do { _ = try MatpowerCase(parsing: text); return nil } catch { return error }
    }

    private static func replacing(_ old: String, with new: String) -> String {
        precondition(awkward.contains(old))
        return awkward.replacing(old, with: new)
    }

    @Test func missingMatrixIsNamed() {
        #expect(failure(Self.replacing("mpc.gen = [", with: "mpc.generators = [")) == .missingField("gen"))
        #expect(failure(Self.replacing("mpc.baseMVA = 1e2;", with: "")) == .missingField("baseMVA"))
    }

    @Test func raggedRowNamesItsLine() {
        // The third branch row (line 19) loses a column.
        let text = Self.replacing("\t2\t3\t0.01\t0.25\t0\t65\t0\t0\t0\t0\t0;", with: "\t2\t3\t0.01\t0.25\t0\t65\t0\t0\t0\t0;")
        #expect(failure(text) == .raggedRow(field: "branch", line: 19, columns: 10, expected: 11))
    }

    @Test func nonNumericTokenNamesItsLine() {
        let text = Self.replacing("25.5, 0, 1e-3", with: "25.5, x7, 1e-3")
        #expect(failure(text) == .notANumber(field: "bus", token: "x7", line: 9))
    }

    @Test func unclosedMatrixAndTooFewColumns() {
        #expect(failure("mpc.baseMVA = 100;\nmpc.bus = [\n1 3 0 0 0 0 1 1 0 135 1 1.05 0.95;\n") == .syntax(line: 2, reason: "mpc.bus = [ is never closed by ]"))
        let narrow = "mpc.baseMVA = 100;\nmpc.bus = [1 3 0 0 0];\nmpc.gen = [];\nmpc.branch = [];"
        #expect(failure(narrow) == .tooFewColumns(field: "bus", line: 2, columns: 5, required: 13))
    }

    @Test func badValuesNameLineAndColumn() {
        let badType = Self.replacing("\t3\t1\t10\t0", with: "\t3\t7\t10\t0")
        #expect(failure(badType) == .badValue(field: "bus", column: "BUS_TYPE", line: 10, reason: "must be 1, 2, 3 or 4, not 7"))
        let fractionalBus = Self.replacing("\t1\t35.5\t0", with: "\t1.5\t35.5\t0")
        #expect(failure(fractionalBus) == .badValue(field: "gen", column: "GEN_BUS", line: 15, reason: "must be an integer, not 1.5"))
        let infiniteX = Self.replacing("\t1\t2\t0.01\t0.1\t", with: "\t1\t2\t0.01\tInf\t")
        #expect(failure(infiniteX) == .badValue(field: "branch", column: "BR_X", line: 18, reason: "must be a finite number, not inf"))
        let negativeRateC = Self.replacing("\t2\t3\t0.01\t0.25\t0\t65\t0\t0\t", with: "\t2\t3\t0.01\t0.25\t0\t65\t0\t-1\t")
        #expect(failure(negativeRateC) == .badValue(field: "branch", column: "RATE_C", line: 19, reason: "must be 0 (unlimited) or positive, not -1.0"))
        let negativeBase = Self.replacing("mpc.baseMVA = 1e2;", with: "mpc.baseMVA = -5;")
        #expect(failure(negativeBase) == .badValue(field: "baseMVA", column: "", line: 4, reason: "must be a positive number, not -5.0"))
    }

    @Test func unreadableFile() {
        #expect(throws: CaseFileError.self) { try MatpowerCase(contentsOf: "/nonexistent/case.m") }
    }
}
