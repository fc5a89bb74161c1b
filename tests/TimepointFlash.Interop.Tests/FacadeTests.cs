using TimepointFlash.Interop;
using Xunit;

namespace TimepointFlash.Interop.Tests;

public class FacadeTests
{
    [Fact]
    public void Version_is_reported_as_a_plain_string()
    {
        Assert.Equal("2.0.0", TimepointFlashInfo.Version);
    }
}
