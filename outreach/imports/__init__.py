"""Reading contact files as real tools export them: Excel (German CSV or XLSX), Mailchimp, listmonk.

The modules depend on each other in one direction: sniffing (what kind of
file), reading (rows out of it, streamed), mapping (headers to contact fields,
cell values to field values), planning (what each row would do to the
database). None of them writes; outreach.services.imports does.
"""
