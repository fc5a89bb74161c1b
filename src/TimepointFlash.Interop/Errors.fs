namespace TimepointFlash.Interop

open System

/// Base class of every error the facade throws on purpose.
type TimepointFlashException(message: string, inner: exn) =
    inherit Exception(message, inner)
    new(message: string) = TimepointFlashException(message, null)

/// The query does not describe a moment in time.
type TimepointRejectedException(reason: string, suggestedQuery: string, timepointId: Guid) =
    inherit TimepointFlashException($"The query was rejected: {reason}")
    /// Why the query was rejected.
    member _.Reason = reason
    /// A query that would work, or null.
    member _.SuggestedQuery = suggestedQuery
    /// The stored (failed) timepoint.
    member _.TimepointId = timepointId

/// No timepoint has this id or slug.
type TimepointNotFoundException(key: string) =
    inherit TimepointFlashException($"Timepoint '{key}' was not found")
    /// The id or slug asked for.
    member _.Key = key

/// A generation step failed (for example a model answered badly after a repair attempt).
type GenerationFailedException(step: string, reason: string, timepointId: Guid) =
    inherit TimepointFlashException($"Generation failed at {step}: {reason}")
    /// The step that failed.
    member _.Step = step
    /// Why.
    member _.Reason = reason
    /// The stored (failed) timepoint.
    member _.TimepointId = timepointId

/// The language-model provider failed (authentication, rate limits, outages) after retries and fallback.
type ProviderException(step: string, reason: string, timepointId: Guid) =
    inherit GenerationFailedException(step, reason, timepointId)

/// Time travel cannot reach the target (out of range, or the source is not completed).
type TimeTravelException(reason: string) =
    inherit TimepointFlashException(reason)
    /// Why.
    member _.Reason = reason

/// The options or environment are invalid.
type TimepointConfigurationException(message: string) =
    inherit TimepointFlashException(message)
