module TimepointFlash.Tests.Cli

open System
open System.Diagnostics
open System.IO
open System.Text.Json.Nodes
open Expecto

/// The built tpflash next to the test assembly's solution.
let private tpflash =
    let root =
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."))

    Path.Combine(root, "src/TimepointFlash.Cli/bin/Release/net10.0/tpflash.dll")

/// Runs tpflash in a folder with a fresh SQLite database; returns exit code, stdout, stderr.
let private run (dir: string) (args: string list) =
    let psi =
        ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir)

    psi.ArgumentList.Add tpflash

    for a in args do
        psi.ArgumentList.Add a

    psi.Environment["DATABASE_URL"] <- $"""sqlite:///{Path.Combine(dir, "cli.db")}"""

    for key in [ "GOOGLE_API_KEY"; "OPENROUTER_API_KEY"; "OPENAI_API_KEY"; "OPENAI_BASE_URL" ] do
        psi.Environment.Remove key |> ignore

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    p.WaitForExit()
    p.ExitCode, out.Result, err.Result

/// Runs tpflash with lines on its standard input (closed after them, as Ctrl-D).
let private runWithInput (dir: string) (args: string list) (lines: string list) =
    let psi =
        ProcessStartInfo(
            "dotnet",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = dir
        )

    psi.ArgumentList.Add tpflash

    for a in args do
        psi.ArgumentList.Add a

    psi.Environment["DATABASE_URL"] <- $"""sqlite:///{Path.Combine(dir, "cli.db")}"""

    for key in [ "GOOGLE_API_KEY"; "OPENROUTER_API_KEY"; "OPENAI_API_KEY"; "OPENAI_BASE_URL" ] do
        psi.Environment.Remove key |> ignore

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    for l in lines do
        p.StandardInput.WriteLine l

    p.StandardInput.Close()
    p.WaitForExit()
    p.ExitCode, out.Result, err.Result

let chat = test "chat answers in character, holds a conversation until the input ends and names the cast" {
    let dir = Directory.CreateTempSubdirectory("tpflash-chat-").FullName

    try
        let code, _, _ = run dir [ "generate"; "assassination of julius caesar"; "--json" ]
        Expect.equal code 0 "generated"
        let slug = "assassination-of-julius-caesar"

        let code, out, _ =
            run dir [
                "chat"
                slug
                "--character"
                "Marcus Junius Brutus"
                "--message"
                "Where are we?"
            ]

        Expect.equal code 0 "one message"
        Expect.stringContains out "Marcus Junius Brutus: We are in" "in character"
        Expect.stringContains out "Rome" "names the place"

        let code, out, _ =
            runWithInput dir [ "chat"; slug; "--character"; "Julius Caesar" ] [ "Who are you?"; "What year is it?" ]

        Expect.equal code 0 "a conversation ends with the input"
        Expect.stringContains out "Julius Caesar: I am Julius Caesar" "first answer"
        Expect.stringContains out "It is March 15, 44 BCE" "second answer"

        let code, _, err =
            run dir [ "chat"; slug; "--character"; "Napoleon"; "--message"; "hi" ]

        Expect.notEqual code 0 "a stranger is an error"
        Expect.stringContains err "Julius Caesar" "the cast is named"
    finally
        try
            Directory.Delete(dir, true)
        with _ ->
            ()
}

let interactions = test "dialog adds lines among the chosen people and survey asks each of them; bad arguments exit 2" {
    let dir = Directory.CreateTempSubdirectory("tpflash-interact-").FullName

    try
        let code, _, _ = run dir [ "generate"; "assassination of julius caesar"; "--json" ]
        Expect.equal code 0 "generated"
        let slug = "assassination-of-julius-caesar"

        let code, out, err =
            run dir [
                "dialog"
                slug
                "--lines"
                "3"
                "--characters"
                "Julius Caesar, Marcus Junius Brutus"
                "--prompt"
                "Brutus hesitates"
                "--save"
            ]

        Expect.equal code 0 $"dialog ({err})"
        let said = out.Split('\n') |> Array.filter (fun l -> l.Contains ": ")
        Expect.equal said.Length 3 "three lines"

        Expect.all
            said
            (fun l -> l.StartsWith "Julius Caesar: " || l.StartsWith "Marcus Junius Brutus: ")
            "only the chosen people speak"

        Expect.stringContains out "(saved to the scene's dialog)" "saved"
        let _, shown, _ = run dir [ "show"; slug; "--json" ]
        let dialog = JsonNode.Parse(shown).["dialog"].AsArray()
        let last = said[2].Substring(said[2].IndexOf(": ") + 2).Trim()
        Expect.equal (dialog[dialog.Count - 1].["text"].ToString()) last "the last saved line is the last printed"

        let code, out, err =
            run dir [
                "survey"
                slug
                "--question"
                "What do you fear today?"
                "--question"
                "Who do you trust?"
                "--characters"
                "Julius Caesar,Marcus Junius Brutus"
                "--chain"
                "--summary"
            ]

        Expect.equal code 0 $"survey ({err})"
        let asked = out.Split('\n') |> Array.filter (fun l -> l.Contains " — ")
        Expect.equal asked.Length 4 "two questions to two people"
        Expect.stringContains out "Julius Caesar — What do you fear today?" "by name and question"
        Expect.stringContains out "Summary: " "the summary asked for"

        let code, out, _ = run dir [ "survey"; slug; "--question"; "Why?"; "--json" ]
        Expect.equal code 0 "survey as JSON"
        let result = JsonNode.Parse out
        Expect.isNull result["summary"] "no summary unless asked"
        Expect.equal (result["mode"].ToString()) "parallel" "parallel unless chained"

        for args, field in
            [
                [ "dialog"; slug; "--lines"; "11" ], "num_lines"
                [ "dialog"; slug; "--characters"; " , " ], "characters"
                [ "survey"; slug; "--question"; "  " ], "questions"
            ] do
            let code, _, err = run dir args
            Expect.equal code 2 $"{args} is an argument error"
            Expect.stringContains err field "naming what is wrong"

        let code, _, _ = run dir [ "survey"; slug ]
        Expect.equal code 2 "a survey needs a question"
        let code, _, err = run dir [ "dialog"; slug; "--characters"; "Napoleon" ]
        Expect.notEqual code 0 "a stranger is an error"
        Expect.stringContains err "Julius Caesar" "the cast is named"
    finally
        try
            Directory.Delete(dir, true)
        with _ ->
            ()
}

let tests =
    testList "Cli" [
        chat
        interactions
        test "check reports anachronisms with their earliest years and exits 1, and exits 0 on clean text" {
            let dir = Directory.CreateTempSubdirectory("tpflash-check-").FullName

            try
                let text = "fluorescent office light and teletype machines"
                let code, out, _ = run dir [ "check"; "--year"; "1903"; text ]
                Expect.equal code 1 "something found"
                Expect.stringContains out "fluorescent light: earliest 1938 CE" "first term"
                Expect.stringContains out "teletype: earliest 1910 CE" "second term"
                let code, out, _ = run dir [ "check"; "--year"; "1975"; text ]
                Expect.equal (code, out.Trim()) (0, "No anachronisms found for 1975 CE.") "clean"

                let code, out, _ =
                    run dir [ "check"; "--year"; "44 BCE"; "--json"; "the Roman Empire" ]

                let json = JsonNode.Parse out
                Expect.equal code 1 "found"
                Expect.equal (string json["year"]) "-44" "year"
                Expect.equal (string json["findings"].[0].["term"]) "roman empire" "term"
                let code, _, _ = run dir [ "check"; "--year"; "soon"; text ]
                Expect.equal code 2 "a bad year is a usage error"
            finally
                Directory.Delete(dir, true)
        }
        test "generate, next, list, show, sequence, export and delete work embedded with the documented exit codes" {
            let dir = Directory.CreateTempSubdirectory("tpflash-cli-").FullName

            try
                let code, out, err = run dir [ "generate"; "moon landing 1969"; "--json" ]
                Expect.equal code 0 $"generate succeeds: {err}"
                let t = JsonNode.Parse out
                Expect.equal (string t["year"]) "1969" "only JSON on stdout, year 1969"
                Expect.stringContains err "judge" "progress goes to stderr"
                Expect.stringContains err "critique" "the critique step is shown"
                let id = string t["id"]

                let code, out, _ =
                    run dir [ "next"; id; "--units"; "1"; "--unit"; "hour"; "--json" ]

                Expect.equal code 0 "next succeeds"
                let nav = JsonNode.Parse out
                Expect.equal (string nav.["navigation"].["direction"]) "next" "navigated"
                Expect.equal (string nav.["target"].["parent_id"]) id "linked"
                let code, out, _ = run dir [ "list"; "--json" ]
                let listed = JsonNode.Parse out
                Expect.equal (code, string listed.["total"]) (0, "2") "two listed"
                let code, out, _ = run dir [ "show"; string t["slug"] ]
                Expect.equal code 0 "show by slug"
                Expect.stringContains out "July 20, 1969" "human summary"
                Expect.stringContains out "review: " "the review is printed"
                let code, out, _ = run dir [ "sequence"; id ]
                Expect.equal code 0 "sequence"
                Expect.stringContains out ">" "center marked"
                let code, out, _ = run dir [ "export"; id; "--format"; "markdown" ]
                Expect.equal code 0 "export"
                Expect.stringStarts out "# moon landing 1969" "markdown"
                Expect.stringContains out "## Review" "the review section"
                let code, _, _ = run dir [ "delete"; id ]
                Expect.equal code 0 "delete"
                let code, _, err = run dir [ "show"; id ]
                Expect.equal code 1 "gone"
                Expect.stringContains err "not found" "says not found"
                let code, _, err = run dir [ "generate"; "how do I bake bread" ]
                Expect.equal code 1 "a rejected query exits 1"
                ignore err
                let code, _, _ = run dir [ "bogus" ]
                Expect.equal code 2 "usage error exits 2"
                let code, out, _ = run dir [ "--version" ]
                Expect.equal (code, out.Trim()) (0, "2.0.0") "version"
            finally
                try
                    Directory.Delete(dir, true)
                with _ ->
                    ()
        }

        test
            "calendar: London 2 September 1752 + 1 day is Thursday 14 September 1752; Petrograd 25 October 1917 is Gregorian 7 November; Rome 15 March 44 BCE is 710 AUC" {
            let dir = Directory.CreateTempSubdirectory("tpflash-cal-").FullName

            try
                let json args =
                    let code, out, err = run dir ([ "calendar" ] @ args @ [ "--json" ])
                    Expect.equal code 0 $"calendar succeeds: {err}"
                    JsonNode.Parse out

                let london = json [ "2 September 1752"; "--place"; "London"; "--add"; "1 day" ]

                Expect.equal
                    (london["local"].ToJsonString())
                    """{"calendar":"gregorian","year":1752,"month":9,"day":14,"display":"14 September 1752"}"""
                    "14 September 1752 in London"

                Expect.equal (string london["weekday"]) "Thursday" "a Thursday"

                let petrograd = json [ "25 October 1917"; "--place"; "Petrograd" ]

                Expect.equal
                    (petrograd["gregorian"].ToJsonString())
                    """{"year":1917,"month":11,"day":7}"""
                    "Gregorian 7 November 1917"

                Expect.equal (string petrograd["local"].["calendar"]) "julian" "Petrograd wrote Julian dates"
                let rome = json [ "15 March 44 BCE"; "--place"; "Rome" ]
                Expect.equal (rome["auc"].GetValue<int>()) 710 "710 AUC"
                let code, _, err = run dir [ "calendar"; "10 September 1752"; "--place"; "London" ]
                Expect.equal code 2 "a day London never had is a usage error"
                Expect.stringContains err "does not exist" "says why"

                let code, _, err =
                    run dir [ "calendar"; "1 May 2019"; "--place"; "Narnia"; "--json" ]

                Expect.equal code 0 "an unknown place still answers"
                Expect.stringContains err "universal 1582 rule" "and says which rule it used"
            finally
                try
                    Directory.Delete(dir, true)
                with _ ->
                    ()
        }

        test
            "the terminal joins unquoted words, shows a rejection as a cross with its reason, says where --out wrote, and refuses bad limits" {
            let dir = Directory.CreateTempSubdirectory("tpflash-term-").FullName

            try
                let code, out, err = run dir [ "generate"; "moon"; "landing"; "1969"; "--json" ]
                Expect.equal code 0 $"unquoted words generate: {err}"
                Expect.equal (string (JsonNode.Parse out).["query"]) "moon landing 1969" "the words are joined"
                Expect.stringContains err "offline engine" "the offline banner shows for a generation"
                let code, _, err = run dir [ "generate"; "how"; "do"; "I"; "bake"; "bread" ]
                Expect.equal code 1 "a rejection exits 1"
                Expect.stringContains err "✗ judge" "the judge's line is a cross"
                Expect.stringContains err "rejected: " "with the reason"
                Expect.stringContains err "Try: " "and the suggestion"
                Expect.isFalse (err.Contains "✓ judge") "no tick for a rejected query"
                let out = Path.Combine(dir, "out")
                let code, _, err = run dir [ "generate"; "fall of the berlin wall"; "--out"; out ]
                Expect.equal code 0 "generate with --out"
                let written = Path.Combine(out, "fall-of-the-berlin-wall.json")
                Expect.stringContains err $"wrote {written}" "says where"
                Expect.isTrue (File.Exists written) "and wrote it"

                for args, why in
                    [
                        [ "list"; "--page-size"; "101" ], "page size over 100"
                        [ "list"; "--page-size"; "0" ], "page size 0"
                        [ "list"; "--page"; "0" ], "page 0"
                        [ "generate"; "ab" ], "a query under 3 characters"
                        [ "generate"; String.replicate 501 "a" ], "a query over 500 characters"
                    ] do
                    let code, _, err = run dir args
                    Expect.equal code 2 $"{why} is a usage error, not clamped"
                    Expect.isFalse (err.Contains "offline engine") $"no banner before the argument error ({why})"

                let code, _, err = run dir [ "list" ]
                Expect.equal code 0 "list"
                Expect.isFalse (err.Contains "offline engine") "no banner for a command that does not generate"
            finally
                try
                    Directory.Delete(dir, true)
                with _ ->
                    ()
        }
    ]
