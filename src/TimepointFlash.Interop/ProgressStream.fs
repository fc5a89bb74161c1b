namespace TimepointFlash.Interop

open System
open System.Collections.Generic
open System.Runtime.ExceptionServices
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks

/// Where a generation sends its progress reports.
type internal Report = StepProgress -> unit

/// A lazy stream of items (progress reports, chat tokens): each enumeration runs the work once, yields the
/// items it reports, then its final item when it has one. The work's exception (cancellation included) is
/// rethrown as is; disposing the enumerator early cancels the work.
[<Sealed>]
type internal ProgressStream<'T>(work: ('T -> unit) -> CancellationToken -> Task<'T voption>, token: CancellationToken)
    =
    interface IAsyncEnumerable<'T> with
        member _.GetAsyncEnumerator(enumeratorToken) =
            let cts = CancellationTokenSource.CreateLinkedTokenSource(token, enumeratorToken)

            let channel =
                Channel.CreateUnbounded<'T>(UnboundedChannelOptions(SingleReader = true))

            let mutable failure: exn | null = null
            let mutable current = Unchecked.defaultof<'T>

            let running = task {
                try
                    try
                        match! work (fun p -> channel.Writer.TryWrite p |> ignore) cts.Token with
                        | ValueSome last -> channel.Writer.TryWrite last |> ignore
                        | ValueNone -> ()
                    with e ->
                        failure <- e
                finally
                    channel.Writer.TryComplete() |> ignore
            }

            let rec next () = task {
                match channel.Reader.TryRead() with
                | true, item ->
                    current <- item
                    return true
                | _ ->
                    let! more = channel.Reader.WaitToReadAsync(CancellationToken.None)

                    if more then
                        return! next ()
                    else
                        match failure with
                        | null -> return false
                        | e ->
                            ExceptionDispatchInfo.Throw e
                            return false
            }

            { new IAsyncEnumerator<'T> with
                member _.Current = current
                member _.MoveNextAsync() = ValueTask<bool>(next ())
              interface IAsyncDisposable with
                  member _.DisposeAsync() =
                      ValueTask(
                          task {
                              if not running.IsCompleted then
                                  cts.Cancel()

                              do! running
                              cts.Dispose()
                          }
                      )
            }
