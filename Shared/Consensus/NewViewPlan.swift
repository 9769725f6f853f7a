/// The pre-prepares a new view must start with, computed from 2f+1 view changes the same way by the
/// new primary and by every backup checking it: from the highest stable checkpoint up to the highest
/// prepared sequence number, the batch of the highest-view prepared certificate, or an empty batch.
/// Public so that the simulator's Byzantine primaries can build new-views that pass the check.
public struct NewViewPlan: Sendable {
    public struct Slot: Sendable {
        public let sequence: UInt64
        public let batch: Batch
    }

    public let view: UInt64
    /// The highest stable checkpoint among the view changes (nil: none above genesis).
    public let checkpoint: CheckpointProof?
    public let batches: [Slot]

    let baseHeight: UInt64

    var checkpointHeight: UInt64 { max(checkpoint?.height ?? 0, baseHeight) }
    var lastSequence: UInt64 { batches.last?.sequence ?? checkpointHeight }

    public init(view: UInt64, primary: ReplicaID, viewChanges: [ViewChange], baseHeight: UInt64) {
        self.view = view
        self.baseHeight = baseHeight
        checkpoint = viewChanges.compactMap(\.checkpoint).max { $0.height < $1.height }
        let low = max(checkpoint?.height ?? 0, baseHeight)
        var best: [UInt64: (view: UInt64, batch: Batch)] = [:]
        for change in viewChanges {
            for certificate in change.prepared {
                guard let proposal = certificate.proposal, proposal.sequence > low else { continue }
                if let known = best[proposal.sequence], known.view >= proposal.view { continue }
                best[proposal.sequence] = (proposal.view, proposal.batch)
            }
        }
        let high = best.keys.max() ?? low
        var slots: [Slot] = []
        if high > low {
            for sequence in (low + 1)...high {
                slots.append(Slot(sequence: sequence, batch: best[sequence]?.batch ?? Batch.empty(view: view, proposer: primary)))
            }
        }
        batches = slots
    }
}

/// Checks the content of a view-change message: its checkpoint proof and every prepared certificate.
struct ViewChangeCheck {
    let configuration: Configuration
    let verifier: any SignatureVerifier

    func isValid(_ change: ViewChange) -> Bool {
        let low = max(change.checkpointHeight, configuration.baseHeight)
        if let checkpoint = change.checkpoint {
            guard isValid(checkpoint) else { return false }
        }
        var sequences = Set<UInt64>()
        for certificate in change.prepared {
            guard let proposal = certificate.proposal, proposal.view < change.newView,
                  proposal.sequence > low, proposal.sequence <= low + configuration.watermarkWindow,
                  sequences.insert(proposal.sequence).inserted, isValid(certificate) else { return false }
        }
        return true
    }

    func isValid(_ checkpoint: CheckpointProof) -> Bool {
        let height = checkpoint.height
        return height > configuration.baseHeight && height % configuration.checkpointInterval == 0
            && checkpoint.certificate.height == height
            && checkpoint.certificate.headerHash == checkpoint.header.hash
            && CertificateCheck.problem(checkpoint.certificate, quorum: configuration.quorum, verifier: verifier) == nil
    }

    /// A pre-prepare signed by its view's primary and 2f prepares for it from distinct backups.
    func isValid(_ certificate: PreparedCertificate) -> Bool {
        guard let proposal = certificate.proposal else { return false }
        let primary = configuration.primary(of: proposal.view)
        guard certificate.prePrepare.sender == primary, certificate.prePrepare.isAuthentic(verifier, domain: configuration.signingDomain),
              proposal.batch.proposer.index < configuration.replicaCount else { return false }
        let expected = Vote(view: proposal.view, sequence: proposal.sequence, digest: proposal.batch.digest)
        var senders = Set<ReplicaID>()
        for prepare in certificate.prepares {
            guard prepare.sender != primary, senders.insert(prepare.sender).inserted,
                  case .prepare(let vote) = prepare.message, vote == expected, prepare.isAuthentic(verifier, domain: configuration.signingDomain) else { return false }
        }
        return senders.count >= configuration.quorum - 1
    }
}
