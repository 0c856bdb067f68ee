"""Retention analyses: pure functions from a facts snapshot, an as-of date and a `RiskPolicy` to records.

    ownership     shares of the lines surviving at HEAD, per file and folder
    doa           degree of authorship from history; truck_factor builds on it
    risk          files held mostly by departing and departed contractors, with successors
    people_report everyone Handoff knows of, with identities and merge suggestions
    decisions     ADRs with status, links and authors
    drain         the knowledge-drain report (trend, warnings, documentation of what is at risk)
    offboarding/  one contractor's checklist, its KT sessions and questions
    kt_scope      what a knowledge-transfer draft covers

Imports only `handoff.core`; never touches git, the index or the network.
"""
