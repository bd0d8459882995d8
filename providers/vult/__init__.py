"""VULT Security "KYC API" 2.10.15: IDV sessions with DMV/OFAC checks, identities, IDA, webhooks."""
