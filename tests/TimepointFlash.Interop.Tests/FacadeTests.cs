namespace TimepointFlash.Interop.Tests;
