"""The case file: a case as a document in the structure of the municipality's paper form
(Oxelösund, Bilaga 5), built from what storage lets the reader see, for a PDF or an archive."""
