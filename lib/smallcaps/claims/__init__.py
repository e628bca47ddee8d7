"""Each thesis chapter's claims: the inputs it loads, the rules fixed before the evidence,
the evidence, and the verdict functions that apply the rules (one module per chapter)."""
