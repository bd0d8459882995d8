"""What the vendor simulators share: state tables, fault switches, the person's page, synthetic
media and the webhook sender. The sandbox is a vendor: it never imports kycdesk and talks to
it only over HTTP."""
