using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("TimepointFlash.Interop")]
