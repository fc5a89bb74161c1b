namespace TimepointFlash.Cli

open System
open System.Threading

/// Ctrl-C for the whole process: the first press cancels the running command (its generation is stored as
/// failed, "interrupted"), a second press exits at once.
[<RequireQualifiedAccess>]
module Interrupt =
    /// Exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
    let exitCode = 130

    let private source = new CancellationTokenSource()
    let mutable private presses = 0

    /// Cancelled on the first Ctrl-C.
    let token () = source.Token

    /// True once Ctrl-C was pressed.
    let requested () = source.IsCancellationRequested

    /// Installs the handler: the first press cancels the token and keeps the process alive so the command can
    /// store its outcome; the second ends the process at once.
    let install () =
        Console.CancelKeyPress.Add(fun e ->
            if Interlocked.Increment &presses = 1 then
                e.Cancel <- true
                // The token's callbacks run off the signal thread, so one that throws cannot end the process.
                source.CancelAsync() |> ignore
            else
                e.Cancel <- false)
