module TimepointFlash.Tests.Anachronisms

open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Tests.Support

let private lexicon = Lexicon.embedded ()
let private entries = Array.ofList lexicon
let private current = entries |> Array.filter (fun e -> e.Until.IsNone)

let private terms year text =
    Anachronisms.scan year text |> List.map (fun f -> f.Term) |> Set.ofList

/// One lexicon entry and one of its spellings.
type Spelled = Spelled of LexiconEntry * string

/// A year between 5000 BCE and 2100 CE (never 0).
type SceneYear = SceneYear of int

/// Text from words that are in no lexicon spelling (no negations either).
type Unrelated = Unrelated of string

/// Text mixing spellings of entries without an end year and unrelated words.
type Mixed = Mixed of string

let private fillers = [
    "quiet"
    "river"
    "market"
    "morning"
    "crowd"
    "old"
    "walls"
    "Élodie"
    "FIELD"
    "and"
]

let private spelled (pool: LexiconEntry array) = gen {
    let! e = Gen.elements pool
    let! s = Gen.elements (Lexicon.spellings e)
    return e, s
}

type AnachronismGenerators =
    static member Spelled() =
        spelled entries |> Gen.map Spelled |> Arb.fromGen

    static member SceneYear() =
        Gen.choose (-5000, 2100)
        |> Gen.map (fun y -> if y = 0 then 1 else y)
        |> Gen.map SceneYear
        |> Arb.fromGen

    static member Unrelated() =
        Gen.listOf (Gen.elements fillers)
        |> Gen.map (String.concat " " >> Unrelated)
        |> Arb.fromGen

    static member Mixed() =
        Gen.listOf (Gen.oneof [ Gen.elements fillers; spelled current |> Gen.map snd ])
        |> Gen.map (String.concat ", " >> Mixed)
        |> Arb.fromGen

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 300
        arbitrary = [ typeof<AnachronismGenerators> ]
}

/// Property: a spelling is flagged exactly when the year is outside the entry's years.
let flaggedExactlyOutsideItsYears (Spelled(e, s)) (SceneYear year) =
    let found = terms year $"Nearby: {s}." |> Set.contains e.Term

    found = Anachronisms.isOutOfTime year e
    && found = (year < e.Earliest || e.Until |> Option.exists (fun last -> year > last))

/// Property: for entries without an end year, a later year never adds a finding.
let monotonicInTheYear (Mixed text) (SceneYear a) (SceneYear b) =
    let early, late = min a b, max a b
    Set.isSubset (terms late text) (terms early text)

/// Property: unrelated text before or after never removes a finding.
let unrelatedTextNeverRemoves (Mixed text) (Unrelated before) (Unrelated after) (SceneYear year) =
    Set.isSubset (terms year text) (terms year $"{before}. {text}. {after}")

let private folded e =
    Lexicon.spellings e |> List.map (Lexicon.key >> String.concat " ")

let tests =
    testList "Anachronisms" [
        testList "laws" [
            testPropertyWithConfig
                config
                "a term is flagged before its earliest year (or after its end year) and never inside its years"
                flaggedExactlyOutsideItsYears
            testPropertyWithConfig config "flags are monotonic in the year" monotonicInTheYear
            testPropertyWithConfig config "adding unrelated text never removes a finding" unrelatedTextNeverRemoves
        ]
        testList "lexicon" [
            test "the embedded lexicon parses, every non-comment line is an entry, and it has at least 300" {
                let text = Lexicon.embeddedText ()

                let lines =
                    text.Split '\n'
                    |> Array.filter (fun l -> l.Trim() <> "" && not (l.TrimStart().StartsWith "#"))

                Expect.isOk (Lexicon.parse text) "parses"
                Expect.equal lexicon.Length lines.Length "one entry per line"
                Expect.isGreaterThanOrEqual lexicon.Length 300 "at least 300 entries"
            }
            test "no term or spelling appears twice, even after folding" {
                let all = lexicon |> List.collect folded
                let dups = all |> List.countBy id |> List.filter (fun (_, n) -> n > 1)
                Expect.isEmpty dups "duplicate spellings"
                Expect.equal (lexicon |> List.distinctBy (fun e -> e.Term) |> List.length) lexicon.Length "terms"
            }
            test "every entry has a source note and an end year after its earliest year" {
                for e in lexicon do
                    Expect.isNotEmpty e.Source e.Term
                    Expect.isTrue (e.Until |> Option.forall (fun u -> u >= e.Earliest)) e.Term
            }
            test "bad lines are reported with their line numbers" {
                let bad =
                    "ok | | 1900 | | | fine\nbroken | 1900\nzero | | 0 | | | s\nlate | | 1900 | 1800 | | s\nnosource | | 1900 | | |"

                match Lexicon.parse bad with
                | Ok _ -> failtest "should fail"
                | Error errors -> Expect.equal (errors |> List.map (fun e -> e.Line)) [ 2; 3; 4; 5 ] "lines"
            }
        ]
        testList "matching" [
            test "the Done-when text at 1903 reports both terms with their earliest years, and nothing at 1975" {
                let text = "fluorescent office light and teletype machines"

                Expect.equal
                    (Anachronisms.scan 1903 text |> List.map (fun f -> f.Term, f.Matched, f.Earliest))
                    [
                        "fluorescent light", "fluorescent", 1938
                        "teletype", "teletype machines", 1910
                    ]
                    "1903"

                Expect.isEmpty (Anachronisms.scan 1975 text) "1975"
            }
            test "matching is on whole words, case- and accent-insensitive" {
                Expect.equal (terms 1800 "TELEPHONES ringing") (set [ "telephone" ]) "plural and case"
                Expect.equal (terms 1850 "a Fédora hat") (set [ "fedora" ]) "accent"
                Expect.isEmpty (terms 1800 "telephoned? no: microtelephone") "not inside a word"
                Expect.isEmpty (terms 1800 "a room without a telephone, no radio") "negated"
                Expect.equal (terms 1800 "no. Telephone") (set [ "telephone" ]) "a negation in another sentence"
            }
            test "withdrawn things are flagged after their end year" {
                Expect.equal (terms 2001 "Soviet Union") (set [ "soviet union" ]) "after 1991"
                Expect.isEmpty (terms 1991 "Soviet Union") "in 1991"
                Expect.equal (terms 500 "a purse of denarii") (set [ "denarius" ]) "after the 240s"
            }
            test "examples from 3000 BCE to 2000 CE" {
                let cases = [
                    -3000, "bronze axes and a wheeled cart", Set.empty
                    -3000, "a papyrus roll", set [ "papyrus" ]
                    -2500, "war chariots", set [ "chariot" ]
                    -1000, "a purse of coins", set [ "coin" ]
                    -490, "hoplites with stirrups and chain mail", set [ "stirrup"; "chain mail" ]
                    -44, "the Senate of the Roman Empire", set [ "roman empire" ]
                    -44, "wax tablets and denarii", Set.empty
                    800, "a barrel of gunpowder", set [ "gunpowder" ]
                    1066, "cannon fire on Senlac Hill", set [ "cannon" ]
                    1492, "a printed newspaper and a magnetic compass", set [ "newspaper" ]
                    1776, "a steam locomotive and a quill pen", set [ "locomotive" ]
                    1903, "the Wright Flyer and a Kodak", Set.empty
                    1945, "a transistor radio", set [ "transistor" ]
                    2000, "a smartphone and an iPhone", set [ "iphone" ]
                ]

                for year, text, expected in cases do
                    Expect.equal (terms year text) expected $"{year}: {text}"
            }
        ]
        testList "scenes" [
            test "scanScene names the field of every finding and flags dialog" {
                let t =
                    Timepoint.pending Fixtures.fixedId "q" "q" false Fixtures.createdAt
                    |> Timepoint.withOutput TimelineData.key Fixtures.timeline
                    |> Timepoint.withOutput SceneData.key {
                        Fixtures.scene with
                            Architecture = Some "skyscrapers"
                    }
                    |> Timepoint.withOutput DialogData.key {
                        Fixtures.dialog with
                            Lines = [
                                {
                                    Fixtures.dialog.Lines.Head with
                                        Text = "Send a telegram."
                                }
                            ]
                    }

                let findings = Anachronisms.scanScene t

                // Outputs are scanned in name order (dialog before scene), each in its codec's field order.
                Expect.equal
                    (findings |> List.map (fun f -> f.Field, f.Term))
                    [ "dialog.lines[0].text", "telegram"; "scene.architecture", "skyscraper" ]
                    "fields"

                Expect.equal (findings |> List.map Finding.isDialog) [ true; false ] "dialog is critical"
            }
            test "the full wire form carries the findings in metadata.anachronisms" {
                let t =
                    Timepoint.pending Fixtures.fixedId "q" "q" false Fixtures.createdAt
                    |> Timepoint.withOutput TimelineData.key Fixtures.timeline
                    |> Timepoint.withOutput SceneData.key {
                        Fixtures.scene with
                            Architecture = Some "skyscrapers"
                    }

                let wire = TimepointWire.encode true t
                let findings = wire["metadata"].["anachronisms"].AsArray()
                Expect.equal findings.Count 1 "one finding"

                Expect.equal
                    (Encode.toString findings[0])
                    """{"term":"skyscraper","matched":"skyscrapers","earliest":1885,"until":null,"field":"scene.architecture"}"""
                    "golden"
            }
            test "the scene page shows a Possible anachronisms note only when something is found" {
                let page (t: Timepoint) =
                    TimepointFlash.Api.Layout.render (
                        TimepointFlash.Api.SceneView.page
                            {
                                Offline = true
                                Open = true
                                SignedIn = false
                                Token = "token"
                            }
                            t
                            []
                            { Center = t; Prior = []; Next = [] }
                            None
                    )

                let clean =
                    Timepoint.pending Fixtures.fixedId "q" "q" false Fixtures.createdAt
                    |> Timepoint.withOutput TimelineData.key Fixtures.timeline
                    |> Timepoint.withOutput SceneData.key Fixtures.scene

                let flagged =
                    clean
                    |> Timepoint.withOutput SceneData.key {
                        Fixtures.scene with
                            Architecture = Some "skyscrapers"
                    }

                Expect.isFalse ((page clean).Contains "Possible anachronisms") "clean scene"
                Expect.stringContains (page flagged) "Possible anachronisms" "note"
                Expect.stringContains (page flagged) "skyscraper (from 1885 CE) in scene.architecture" "finding"
            }
            test "a timepoint without a year has no findings" {
                let t =
                    Timepoint.pending Fixtures.fixedId "q" "q" false Fixtures.createdAt
                    |> Timepoint.withOutput SceneData.key Fixtures.scene

                Expect.isEmpty (Anachronisms.scanScene t) "no year"
            }
        ]
    ]
