"""Reading contact files as real tools export them: Excel (German CSV or XLSX), Mailchimp, listmonk.

The modules depend on each other in one direction: sniffing (what kind of
file), reading (rows out of it, streamed), mapping (headers to contact fields,
cell values to field values), planning (what each row would do to the
database, with emails for the addresses and lookups for the batch queries).
None of them writes except copying, the fast bulk insert that
outreach.services.imports (and activity) call to apply a plan.
"""
