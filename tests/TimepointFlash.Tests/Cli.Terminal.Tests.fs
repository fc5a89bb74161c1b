/// `tpflash generate` in a real pseudo-terminal: tmux (scripts/test.sh installs it when missing) runs the built CLI
/// against a slow fake provider on loopback, the test reads the screen with `capture-pane` while the steps run, and
/// presses Ctrl-C with `send-keys`. Each test has its own tmux server on a socket in a temporary folder.
module TimepointFlash.Tests.Terminal

open System
open System.Diagnostics
open System.IO
open System.Text.Json.Nodes
open System.Text.RegularExpressions
open System.Threading.Tasks
open Expecto
open TimepointFlash.Tests.Reliability.Interrupt
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.LatencyProvider

/// Debian's tmux.
let private tmuxPath = "/usr/bin/tmux"

/// Runs one tmux command on the private server of `dir`; its stdout.
let private tmux (dir: string) (args: string list) =
    if not (File.Exists tmuxPath) then
        failwith "tmux is not installed (scripts/test.sh installs it: apt-get install tmux)"

    let psi =
        ProcessStartInfo(tmuxPath, RedirectStandardOutput = true, RedirectStandardError = true)

    for a in [ "-S"; Path.Combine(dir, "tmux.sock"); "-f"; "/dev/null" ] @ args do
        psi.ArgumentList.Add a

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEnd()
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()

    if p.ExitCode <> 0 then
        failwith $"""tmux {String.concat " " args}: {err}"""

    out

/// A word for `sh -c`, single-quoted.
let private quote (s: string) = "'" + s.Replace("'", "'\\''") + "'"

/// Starts `tpflash <args>` in a 140×40 pane of a new session "cli" (kept on screen when it exits), on a SQLite
/// file in `dir`, pointed at the fake provider, with no key of the caller's environment.
let private startInPane (dir: string) (provider: LatencyServer) (args: string list) =
    let unset = ServerProcess.scrubbed |> List.collect (fun k -> [ "-u"; k ])

    let vars =
        ("DATABASE_URL", $"""sqlite:///{Path.Combine(dir, "cli.db")}""")
        :: ("FALLBACK_PROVIDER", "none")
        :: LatencyProvider.env provider
        |> List.map (fun (k, v) -> $"{k}={v}")

    // bash runs tpflash in the foreground and prints its exit status as the pane's last line (tmux 3.3 reports
    // no status for a pane whose process ended by a signal, so the status is read from the screen instead).
    let run =
        [ "env" ] @ unset @ vars @ [ "dotnet"; tpflash () ] @ args
        |> List.map quote
        |> String.concat " "

    let command = quote "bash" + " -c " + quote (run + "; echo \"[tpflash exit $?]\"")

    tmux dir [
        "new-session"
        "-d"
        "-s"
        "cli"
        "-x"
        "140"
        "-y"
        "40"
        "-c"
        dir
        command
        ";"
        "set-option"
        "-t"
        "cli"
        "remain-on-exit"
        "on"
    ]
    |> ignore

/// The pane's screen as text.
let private screen dir =
    tmux dir [ "capture-pane"; "-p"; "-t"; "cli" ]

/// The pane's whole output, scrollback included.
let private history dir =
    tmux dir [ "capture-pane"; "-p"; "-S"; "-"; "-t"; "cli" ]

/// tpflash's exit status once it has ended, as bash printed it on the pane (128 + n for a signal n).
let private exitStatus dir =
    let m =
        System.Text.RegularExpressions.Regex.Match(history dir, @"\[tpflash exit (\d+)\]")

    if m.Success then Some(int m.Groups[1].Value) else None

/// Polls the screen every 100 ms until `until` holds for a capture or `seconds` pass; every capture, in order.
let private watch dir (seconds: float) (until: string -> bool) = task {
    let deadline = DateTime.UtcNow.AddSeconds seconds
    let captures = ResizeArray<string>()
    let mutable fin = false

    while not fin && DateTime.UtcNow < deadline do
        let s = screen dir
        captures.Add s
        fin <- until s

        if not fin then
            do! Task.Delay 100

    return List.ofSeq captures
}

/// The running steps of a capture's status line (a spinner frame, then "step 1.2s" entries): step and seconds.
let private running (capture: string) =
    capture.Split '\n'
    |> Array.filter (fun l -> l.Length > 0 && Array.contains (string l[0]) TimepointFlash.Cli.LiveSteps.frames)
    |> Array.collect (fun l ->
        Regex.Matches(l, @"([a-z_]+) (\d+\.\d)s")
        |> Seq.map (fun m -> m.Groups[1].Value, float m.Groups[2].Value)
        |> Array.ofSeq)
    |> List.ofArray

let private withTmux (f: string -> Task<unit>) =
    withDir (fun dir -> task {
        try
            do! f dir
        finally
            try
                tmux dir [ "kill-server" ] |> ignore
            with _ ->
                ()
    })

let tests =
    testSequenced
    <| testList "Terminal" [
        testTask "tpflash generate in a terminal shows the running steps with a growing elapsed time, then the scene" {
            do!
                withProvider 700.0 (fun provider ->
                    withTmux (fun dir -> task {
                        startInPane dir provider [ "generate"; "moon"; "landing"; "1969" ]
                        let! captures = watch dir 180.0 (fun _ -> (exitStatus dir).IsSome)
                        let final = history dir
                        Expect.equal (exitStatus dir) (Some 0) $"tpflash succeeded: {final}"
                        let seen = captures |> List.map running

                        let growing =
                            seen
                            |> List.concat
                            |> List.groupBy fst
                            |> List.exists (fun (_, times) ->
                                let ts = times |> List.map snd
                                List.max ts > List.min ts)

                        Expect.isTrue growing $"a running step's elapsed time grew on screen: {seen}"

                        Expect.isTrue
                            (seen |> List.exists (fun r -> r.Length >= 2))
                            $"steps running in parallel share the status line: {seen}"

                        Expect.stringContains final "✓ judge" "the judge's line ends with a tick"
                        Expect.stringContains final "✓ image_prompt" "every step ends with a tick"
                        Expect.stringContains final "status completed" "the scene follows the steps"
                        Expect.isEmpty (running final) "the status line is gone once the command ends"
                    }))
        }

        testTask
            "Ctrl-C pressed in the terminal during tpflash generate exits 130 with one line, the scene failed as interrupted" {
            do!
                withProvider 1500.0 (fun provider ->
                    withTmux (fun dir -> task {
                        startInPane dir provider [ "generate"; "moon landing 1969" ]
                        let! captures = watch dir 90.0 (fun s -> s.Contains "✓ judge")
                        Expect.stringContains (List.last captures) "✓ judge" "the first step finished"
                        tmux dir [ "send-keys"; "-t"; "cli"; "C-c" ] |> ignore
                        let! _ = watch dir 120.0 (fun _ -> (exitStatus dir).IsSome)
                        let final = history dir
                        Expect.equal (exitStatus dir) (Some 130) $"exit code 130: {final}"

                        let lines =
                            final.Split '\n'
                            |> Array.filter (fun l ->
                                l.Trim() <> ""
                                && not (l.StartsWith "Pane is dead")
                                && not (l.StartsWith "[tpflash exit"))

                        Expect.stringContains (Array.last lines) "interrupted" $"one closing line: {final}"
                        Expect.isEmpty (running final) "the status line is cleared"
                        let! code, out = runCli dir provider [ "list"; "--json" ]
                        Expect.equal code 0 "list works"
                        let item = only out
                        Expect.equal (string item["status"]) "failed" "the scene is failed"
                        Expect.equal (string item["error_kind"]) "interrupted" "as interrupted"
                        let! _, out = runCli dir provider [ "list"; "--status"; "processing"; "--json" ]
                        Expect.equal (string (JsonNode.Parse out).["total"]) "0" "nothing is processing"
                    }))
        }
    ]
