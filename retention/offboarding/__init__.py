"""The offboarding checklist of one contractor (`checklist`), its KT sessions (`handover`) and questions."""
