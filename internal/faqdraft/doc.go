// Package faqdraft turns support tickets into FAQ drafts and finds the questions that keep
// coming back.
//
// It has three parts, all pure Go without storage or HTTP so that the console, the API and
// background jobs share them:
//
//   - Scrubbing (Scrubber, Scrub): removes personal data from ticket text before any of it
//     can reach a draft that will be published: salutations with names, greetings and
//     signatures, e-mail addresses, phone numbers, NIP, PESEL, account numbers, street
//     addresses, known names and company names, and links that carry personal data. Help
//     center article links are kept and made relative.
//   - Extraction (Builder, BuildDraft): from one or several tickets that ask the same thing,
//     the question (a cleaned Polish question for the title), the answer (the staff replies,
//     scrubbed, without boilerplate, internal notes or requests for more information), the
//     suggested audiences and a few tags.
//   - The recurring-questions finder (Finder): groups tickets that ask the same thing by
//     TF-IDF cosine similarity over terms from a pluggable term function, using leader
//     clustering with an inverted index so that a full recomputation stays far from O(n²).
//
// The term function (TermFunc) is injected rather than imported so this package does not
// depend on a particular Polish analyser; the application passes the shared Polish pipeline.
package faqdraft
