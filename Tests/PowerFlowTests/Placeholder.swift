import PowerFlow
