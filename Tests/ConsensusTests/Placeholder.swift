import Consensus
