namespace TimepointFlash.Cli

open System
open System.Diagnostics
open System.IO
open System.Text.Json.Nodes
open System.Threading
open Spectre.Console

/// Shows a command's steps on stderr, so that stdout keeps only the answer (`--json` stays machine-readable).
/// On a terminal, a status line redrawn ten times a second shows the running step(s) with their elapsed time, and
/// each step that ends is printed above it, ✓ with its time and model or ✗ with why; anywhere else (a pipe, a
/// file, TERM=dumb) only the finished lines, without control codes. The judge's ✓ waits for the outcome, so a
/// rejected query ends in ✗ with the reason and the suggested query. Close it with the outcome; disposing it
/// without closing (Ctrl-C) clears the status line.
type LiveDisplay(err: TextWriter, interactive: bool) =
    // Colours only on a terminal: a pipe or a file gets plain text.
    let console =
        AnsiConsole.Create(
            AnsiConsoleSettings(
                Out = AnsiConsoleOutput(err),
                Ansi = (if interactive then AnsiSupport.Detect else AnsiSupport.No),
                ColorSystem =
                    (if interactive then
                         ColorSystemSupport.Detect
                     else
                         ColorSystemSupport.NoColors)
            )
        )

    let clock = Stopwatch.StartNew()
    let gate = obj ()
    let mutable state = LiveSteps.start 0L
    let mutable tick = 0
    let mutable drawn = false
    let mutable closed = false

    let width () =
        try
            match Console.WindowWidth with
            | w when w > 0 -> w
            | _ -> 80
        with _ ->
            80

    let clear () =
        if drawn then
            err.Write "\r\u001b[2K"
            err.Flush()
            drawn <- false

    let draw () =
        if interactive && not closed then
            let line = LiveSteps.status tick clock.ElapsedMilliseconds state
            err.Write("\r\u001b[2K" + LiveSteps.fit (width ()) line)
            err.Flush()
            drawn <- true

    let print (p: StepLine) =
        if p.Waiting then
            let wait =
                p.LatencyMs |> Option.map (fun v -> $"~{v / 1000L} s") |> Option.defaultValue ""

            console.MarkupLine(
                $"[yellow]…[/] {Markup.Escape p.Step, -16} [grey]waiting for provider budget {Markup.Escape wait}[/]"
            )
        elif p.Ok then
            let ms = p.LatencyMs |> Option.map (fun v -> $"{v} ms") |> Option.defaultValue ""
            let model = p.Model |> Option.defaultValue ""

            console.MarkupLine(
                $"[green]✓[/] {Markup.Escape p.Step, -16} [grey]{Markup.Escape ms, 8}  {Markup.Escape model}[/]"
            )
        else
            console.MarkupLine(
                $"[red]✗[/] {Markup.Escape p.Step, -16} {Markup.Escape(p.Error |> Option.defaultValue String.Empty)}"
            )

    let redraw () =
        lock gate (fun () ->
            tick <- tick + 1
            draw ())

    let timer =
        if interactive then
            Some(new Timer((fun _ -> redraw ()), null, 0, 100))
        else
            None

    let stop () =
        timer |> Option.iter (fun t -> t.Dispose())

        lock gate (fun () ->
            clear ()
            closed <- true)

    /// On stderr; live when stderr is a terminal and TERM is not "dumb".
    new() =
        let dumb = Environment.GetEnvironmentVariable "TERM" = "dumb"
        new LiveDisplay(Console.Error, not Console.IsErrorRedirected && not dumb)

    /// Takes a step event: prints the lines it finishes and redraws the status line.
    member _.Report(event: StepEvent) =
        lock gate (fun () ->
            if not closed then
                let lines, next = LiveSteps.apply clock.ElapsedMilliseconds event state
                state <- next

                if not lines.IsEmpty then
                    clear ()
                    lines |> List.iter print
                    draw ())

    /// Ends the display with the command's outcome (the wire JSON of the timepoint, when there is one).
    member _.Close(outcome: JsonNode option) =
        let last =
            lock gate (fun () -> LiveSteps.finish (LiveSteps.rejection outcome) state)

        stop ()
        lock gate (fun () -> last |> List.iter print)

    interface IDisposable with
        member _.Dispose() = stop ()
