/// The parts of a MATPOWER case a DC power flow needs: baseMVA and the bus, gen and branch
/// matrices, one value per row in file order (a branch's index is its row in `mpc.branch`, from 0).
public struct MatpowerCase: Sendable, Equatable {
    public var baseMVA: Double
    public var buses: [CaseBus]
    public var generators: [CaseGenerator]
    public var branches: [CaseBranch]

    public init(baseMVA: Double, buses: [CaseBus], generators: [CaseGenerator], branches: [CaseBranch]) {
        self.baseMVA = baseMVA
        self.buses = buses
        self.generators = generators
        self.branches = branches
    }
}

/// MATPOWER's BUS_TYPE: 1 PQ, 2 PV, 3 reference, 4 isolated.
public enum BusType: Int, Sendable, Equatable {
    case pq = 1, pv = 2, reference = 3, isolated = 4
}

/// One row of `mpc.bus` (BUS_I, BUS_TYPE, PD, GS).
public struct CaseBus: Sendable, Equatable {
    /// BUS_I, the external bus number trades use.
    public var number: Int
    public var type: BusType
    /// PD, MW of load.
    public var loadMW: Double
    /// GS, MW consumed by the shunt at 1 p.u. voltage.
    public var shuntMW: Double

    public init(number: Int, type: BusType, loadMW: Double = 0, shuntMW: Double = 0) {
        self.number = number
        self.type = type
        self.loadMW = loadMW
        self.shuntMW = shuntMW
    }
}

/// One row of `mpc.gen` (GEN_BUS, PG, GEN_STATUS).
public struct CaseGenerator: Sendable, Equatable {
    public var bus: Int
    public var outputMW: Double
    /// GEN_STATUS; in service when > 0.
    public var status: Double

    public init(bus: Int, outputMW: Double, status: Double = 1) {
        self.bus = bus
        self.outputMW = outputMW
        self.status = status
    }

    public var inService: Bool { status > 0 }
}

/// One row of `mpc.branch` (F_BUS, T_BUS, BR_X, RATE_A, RATE_B, RATE_C, TAP, SHIFT, BR_STATUS).
public struct CaseBranch: Sendable, Equatable {
    public var from: Int
    public var to: Int
    /// BR_X, series reactance in p.u.
    public var reactance: Double
    /// RATE_A in MVA, the normal rating, used as the base case's MW limit; 0 means unlimited.
    public var rateA: Double
    /// RATE_B (short-term rating) in MVA; 0 means none.
    public var rateB: Double
    /// RATE_C (emergency rating) in MVA; 0 means none.
    public var rateC: Double
    /// TAP, off-nominal ratio; 0 means 1 (a line).
    public var tap: Double
    /// SHIFT, phase shift in degrees.
    public var shiftDegrees: Double
    /// BR_STATUS; in service when non-zero.
    public var status: Double

    public init(
        from: Int, to: Int, reactance: Double, rateA: Double = 0, rateB: Double = 0, rateC: Double = 0, tap: Double = 0, shiftDegrees: Double = 0,
        status: Double = 1
    ) {
        self.from = from
        self.to = to
        self.reactance = reactance
        self.rateA = rateA
        self.rateB = rateB
        self.rateC = rateC
        self.tap = tap
        self.shiftDegrees = shiftDegrees
        self.status = status
    }

    /// The limit in MW, nil when RATE_A is 0 (MATPOWER's "unlimited").
    public var limitMW: Double? { Self.limit(rateA) }

    /// The limit after an outage, MW, as operators rate a branch for the minutes after a
    /// contingency: RATE_C, else RATE_B, else RATE_A (the first that is not 0); nil when all are 0.
    public var emergencyLimitMW: Double? { Self.limit(rateC) ?? Self.limit(rateB) ?? Self.limit(rateA) }

    private static func limit(_ rate: Double) -> Double? { rate == 0 || rate == .infinity ? nil : rate }
}
