namespace TimepointFlash.Interop

open System

/// Base class of every error the facade throws on purpose.
type TimepointFlashException
    /// Creates the exception with a message and the exception that caused it (or null).
    (message: string, inner: exn | null) =
    inherit Exception(message, inner)

    /// Creates the exception with a message.
    new(message: string) = TimepointFlashException(message, null)

/// The query does not describe a moment in time (the judge step rejected it).
type TimepointRejectedException
    /// Creates the exception.
    (reason: string, suggestedQuery: string | null, timepointId: Guid) =
    inherit TimepointFlashException($"The query was rejected: {reason}")
    /// Why the query was rejected.
    member _.Reason = reason
    /// A query that would work, or null.
    member _.SuggestedQuery = suggestedQuery
    /// The stored (failed) timepoint.
    member _.TimepointId = timepointId

/// No timepoint has this id or slug.
type TimepointNotFoundException
    /// Creates the exception for the id or slug asked for.
    (key: string) =
    inherit TimepointFlashException($"Timepoint '{key}' was not found")
    /// The id or slug asked for.
    member _.Key = key

/// A generation step failed (for example a model answered badly after a repair attempt).
type GenerationFailedException
    /// Creates the exception.
    (step: string, reason: string, timepointId: Guid) =
    inherit TimepointFlashException($"Generation failed at {step}: {reason}")
    /// The step that failed.
    member _.Step = step
    /// Why.
    member _.Reason = reason
    /// The stored (failed) timepoint.
    member _.TimepointId = timepointId

/// The language-model provider failed (authentication, rate limits, outages, or an exception thrown by a
/// custom chat client) after retries and fallback.
type ProviderException
    /// Creates the exception.
    (step: string, reason: string, timepointId: Guid) =
    inherit GenerationFailedException(step, reason, timepointId)

/// Time travel cannot reach the target (out of range, or the source is not completed).
type TimeTravelException
    /// Creates the exception.
    (reason: string) =
    inherit TimepointFlashException(reason)
    /// Why.
    member _.Reason = reason

/// The options or environment are invalid, or the database cannot be opened.
type TimepointConfigurationException
    /// Creates the exception.
    (message: string) =
    inherit TimepointFlashException(message)

/// The database failed a read or write (a constraint, unreadable stored data, or another storage error).
type TimepointStorageException
    /// Creates the exception with a one-line reason (no connection secrets) and the cause.
    (reason: string, inner: exn | null) =
    inherit TimepointFlashException($"Storage failed: {reason}", inner)
    /// Why.
    member _.Reason = reason

/// The database cannot be reached or did not answer in time. Nothing is wrong with the call: retry it once the
/// database is back (the engine reconnects by itself; no new engine is needed).
type StorageUnavailableException
    /// Creates the exception with a one-line reason (no connection secrets) and the cause.
    (reason: string, inner: exn | null) =
    inherit TimepointStorageException(reason, inner)
