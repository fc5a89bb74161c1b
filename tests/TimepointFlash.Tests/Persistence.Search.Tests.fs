/// Listing search over the folded `search_text` column: today's matching, plus accents folded beyond ASCII.
module TimepointFlash.Tests.Persistence.Search

open System
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support

/// Queries and places with diacritics, ligatures, upper case and non-Latin scripts.
let corpus = [
    "Débarquement en ÉGYPTE", Some "Alexandrie"
    "debarquement en egypte", None
    "Signing of the Declaration", Some "Philadelphia"
    "Straßenbahn in München", Some "MÜNCHEN"
    "strassenbahn in munchen", Some "Munich"
    "Æthelred's council", Some "Winchester"
    "Crossing the Øresund", Some "Helsingør"
    "Σπάρτη at Thermopylae", Some "Θερμοπύλες"
    "Москва 1812", Some "Кремль"
    "Fête de la Fédération", Some "Champ-de-Mars, Paris"
    "Coronation of Charlemagne", Some "Rome"
    "100% cotton _ market", Some "Manchester"
    "São Paulo founding", Some "Piratininga"
    "Łódź uprising", Some "Łódź"
    "Œuvre premiere", Some "Paris"
]

/// Searches: substrings of the corpus in other cases and with accents added or removed, and a few misses.
let private searches =
    let texts = corpus |> List.collect (fun (q, l) -> q :: Option.toList l)

    let fragment = gen {
        let! text = Gen.elements texts
        let! start = Gen.choose (0, max 0 (text.Length - 1))
        let! length = Gen.choose (1, min 8 (text.Length - start))
        let! upper = Gen.elements [ true; false ]
        let piece = text.Substring(start, length)

        return
            if upper then
                piece.ToUpperInvariant()
            else
                piece.ToLowerInvariant()
    }

    Gen.oneof [
        fragment
        fragment |> Gen.map SearchText.fold
        Gen.elements [
            "egypte"
            "ÉGYPTE"
            "munchen"
            "MÜNCHEN"
            "strasse"
            "ssenb"
            "aethel"
            "oresund"
            "lodz"
            "100%"
            "_"
            "\\"
            "zzz"
            "oeuvre"
        ]
    ]

/// Letters for generated rows: upper and lower case, accents and ligatures that fold, non-Latin scripts, spaces,
/// LIKE and FTS5 syntax characters and quotes.
let private alphabet = "aAbeEoOsS éÉèüÜßøØłŁœŒæÆóÓźσΣςπдДж %_\\\"'*-:()^"

/// A short text over the alphabet.
let private generatedText (longest: int) = gen {
    let! length = Gen.choose (0, longest)
    let! letters = Gen.arrayOfLength length (Gen.elements alphabet)
    return String letters
}

/// Generated rows (query, location) and a search: a piece of one row in another case, or any short text.
let private generatedCase = gen {
    let! count = Gen.choose (1, 8)
    let! queries = Gen.listOfLength count (generatedText 16 |> Gen.map (fun q -> "q " + q))
    let! locations = Gen.listOfLength count (Gen.optionOf (generatedText 12))
    let rows = List.zip queries locations
    let! renamed = generatedText 16
    let texts = rows |> List.collect (fun (q, l) -> q :: Option.toList l)

    let piece = gen {
        let! text = Gen.elements texts
        let! start = Gen.choose (0, text.Length)
        let! length = Gen.choose (0, min 6 (text.Length - start))
        let! upper = Gen.elements [ true; false ]
        let p = text.Substring(start, length)
        return if upper then p.ToUpperInvariant() else p
    }

    let! search = Gen.oneof [ piece; piece |> Gen.map SearchText.fold; generatedText 5 ]
    return rows, "q " + renamed, search
}

let private dialectTests (dialect: Dialect) =
    let seeded =
        lazy
            (task {
                let! config, cleanup = freshConfig dialect
                let db = openDb config

                AppDomain.CurrentDomain.ProcessExit.Add(fun _ ->
                    (db :> IDisposable).Dispose()
                    (cleanup ()).Wait())

                let! applied = Migrations.apply db
                ok "migrations" applied |> ignore
                let store = Timepoints.store db

                for query, location in corpus do
                    let! inserted =
                        store.Insert {
                            pending query with
                                Location = location
                        }

                    ok "insert" inserted |> ignore

                return db
            })

    // A database of its own for generated rows (each case clears it first).
    let scratch =
        lazy
            (task {
                let! config, cleanup = freshConfig dialect
                let db = openDb config

                AppDomain.CurrentDomain.ProcessExit.Add(fun _ ->
                    (db :> IDisposable).Dispose()
                    (cleanup ()).Wait())

                let! applied = Migrations.apply db
                ok "migrations" applied |> ignore
                return db
            })

    let search (db: Database) (text: string) = task {
        let! page =
            (Timepoints.store db).ListSummaries {
                Page = 1
                PageSize = 1000
                Status = None
                Search = Some text
                After = None
            }

        return (ok "list" page).Items |> List.map _.Query |> List.sort
    }

    let config = {
        FsCheckConfig.defaultConfig with
            maxTest = 150
            arbitrary = []
    }

    testList (dialectName dialect) [
        testPropertyWithConfig
            config
            "the store finds exactly the rows whose folded query or location contains the folded search"
        <| Prop.forAll (Arb.fromGen searches) (fun text ->
            let db = seeded.Value.Result
            let found = (search db text).Result

            // The listing trims the search and ignores a blank one.
            let needle = text.Trim()

            let expected =
                corpus
                |> List.filter (fun (q, l) -> needle = "" || SearchText.matches needle q l)
                |> List.map fst
                |> List.sort

            Expect.equal found expected $"search {text}")

        testPropertyWithConfig
            { config with maxTest = 80 }
            "on generated rows, inserted, renamed and deleted, the index finds exactly what the reference matching finds"
        <| Prop.forAll (Arb.fromGen generatedCase) (fun (rows, renamed, text) ->
            (task {
                let! db = scratch.Value
                let! cleared = Db.run db (fun s -> Db.execute s "DELETE FROM timepoints" [])
                ok "clear" cleared |> ignore
                let store = Timepoints.store db
                let mutable stored = []

                for query, location in rows do
                    let! inserted =
                        store.Insert {
                            pending query with
                                Location = location
                        }

                    stored <- stored @ [ ok "insert" inserted ]

                // The first row is renamed and the last deleted (when there are two), so the index follows
                // updates and deletes too.
                let first = List.head stored
                let! updated = store.Update { first with Query = renamed }
                ok "update" updated |> ignore

                let kept =
                    if List.length stored > 1 then
                        let last = List.last stored
                        ok "delete" (store.Delete last.Id).Result |> ignore
                        List.take (List.length stored - 1) stored
                    else
                        stored

                let now =
                    kept
                    |> List.mapi (fun i t -> if i = 0 then renamed, t.Location else t.Query, t.Location)

                let! found = search db text
                let needle = text.Trim()

                let expected =
                    now
                    |> List.filter (fun (q, l) -> needle = "" || SearchText.matches needle q l)
                    |> List.map fst
                    |> List.sort

                Expect.equal found expected $"search {text} in {now}"
            })
                .Result)

        testTask "the start-up check leaves an index in step alone and rebuilds one that disagrees with the rows" {
            let! db = seeded.Value
            let! first = SearchRows.checkIndex db
            Expect.equal (ok "check" first) false "in step after inserts"

            match dialect with
            | Dialect.Postgres -> ()
            | Dialect.Sqlite ->
                let! emptied = Db.run db (fun s -> Db.execute s "DELETE FROM timepoints_search" [])
                ok "empty the index" emptied |> ignore
                let! lost = search db "munchen"
                Expect.isEmpty lost "the emptied index finds nothing"
                let! rebuilt = SearchRows.checkIndex db
                Expect.equal (ok "check" rebuilt) true "rebuilt"
                let! found = search db "munchen"
                Expect.equal found [ "Straßenbahn in München"; "strassenbahn in munchen" ] "found again"
                let! again = SearchRows.checkIndex db
                Expect.equal (ok "check" again) false "in step after the rebuild"
        }

        testTask "every row today's matching (case folded) finds is still found, and accent variants find each other" {
            let! db = seeded.Value

            for text in [ "égypte"; "DÉBARQUEMENT"; "øRSUND"; "москва"; "ΣΠΆΡΤΗ"; "100%"; "_"; "Paris" ] do
                let! found = search db text

                let today =
                    corpus
                    |> List.filter (fun (q, l) ->
                        let t = text.ToLowerInvariant()

                        q.ToLowerInvariant().Contains t
                        || (defaultArg l "").ToLowerInvariant().Contains t)
                    |> List.map fst

                for q in today do
                    Expect.contains found q $"{text} still finds {q}"

            let! plain = search db "debarquement en egypte"
            let! accented = search db "DÉBARQUEMENT EN ÉGYPTE"
            Expect.equal plain accented "the same rows"
            Expect.equal plain [ "Débarquement en ÉGYPTE"; "debarquement en egypte" ] "both spellings"
            let! lodz = search db "lodz"
            Expect.equal lodz [ "Łódź uprising" ] "Ł and ó and ź fold"
        }

        testTask "cursor pages walk every row once in order, and inserts of newer rows do not shift them" {
            let! config, cleanup = freshConfig dialect
            let db = openDb config

            try
                let! applied = Migrations.apply db
                ok "migrations" applied |> ignore
                let store = Timepoints.store db
                let start = DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)

                let insert (i: int) (at: DateTimeOffset) = task {
                    let t = pending $"row {i}"

                    let! inserted =
                        store.Insert {
                            t with
                                CreatedAt = at
                                UpdatedAt = at
                        }

                    return (ok "insert" inserted).Query
                }

                // Rows 1..10, with two sharing a timestamp (the id breaks the tie).
                let! older = task {
                    let mutable names = []

                    for i in 1..10 do
                        let! name = insert i (start.AddSeconds(float (min i 9)))
                        names <- name :: names

                    return names
                }

                let query after = {
                    Page = 1
                    PageSize = 3
                    Status = None
                    Search = None
                    After = after
                }

                let queries (page: Result<Page<TimepointSummary>, DbError>) =
                    let p = ok "page" page
                    p.Items |> List.map (fun (s: TimepointSummary) -> s.Query), p.Next

                let! whole = store.ListSummaries { query None with PageSize = 100 }
                let order, _ = queries whole
                let! firstPage = store.ListSummaries(query None)
                let firstItems, firstNext = queries firstPage

                for i in 11..15 do
                    let! _ = insert i (start.AddSeconds(float (100 + i)))
                    ()

                let mutable seen = firstItems
                let mutable next = firstNext

                while next.IsSome do
                    let! page = store.ListSummaries(query next)
                    let items, after = queries page
                    seen <- seen @ items
                    next <- after

                Expect.equal (List.sort order) (List.sort older) "the ten rows"
                Expect.equal seen order "every older row once, in the listing's order, none of the newer ones"
            finally
                (db :> IDisposable).Dispose()
                (cleanup (): Task<unit>).Wait()
        }

        test "a cursor reads back as written, and text that is not one is refused" {
            let c = {
                CreatedAt = DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks 7L
                Id = Guid.NewGuid()
            }

            Expect.equal (PageCursor.tryParse (PageCursor.encode c)) (Some c) "round trip"

            for bad in [ ""; "abc"; "MTIzLnh5eg"; String('A', 500); "%%%" ] do
                Expect.isNone (PageCursor.tryParse bad) $"{bad} refused"
        }

        testTask "rows written before the folded column are filled by the start-up pass" {
            let! db = seeded.Value
            let t = pending "Révolte à Lyon"
            let! inserted = (Timepoints.store db).Insert t
            ok "insert" inserted |> ignore

            let! cleared =
                Db.run db (fun s ->
                    Db.execute s "UPDATE timepoints SET search_text = NULL WHERE id = @id" [ "id", Sql.uuid t.Id ])

            ok "clear" cleared |> ignore
            let! before = search db "revolte"
            Expect.isEmpty before "not found while unfolded"
            let! filled = SearchRows.backfill db 2
            Expect.equal (ok "backfill" filled) 1 "one row filled"
            let! after = search db "revolte"
            Expect.equal after [ "Révolte à Lyon" ] "found"

            let! removed =
                Db.run db (fun s -> Db.execute s "DELETE FROM timepoints WHERE id = @id" [ "id", Sql.uuid t.Id ])

            ok "remove" removed |> ignore
        }
    ]

let tests =
    testSequenced (testList "Persistence.Search" [ dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ])
