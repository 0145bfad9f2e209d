using System.Text;
using Gryphgen.Symorq.Http;

namespace Gryphgen.Symorq.Tests.Http;

public sealed class BoundedBodyTests
{
    [Fact]
    public async Task A_body_that_claims_half_a_GiB_and_sends_ten_bytes_does_not_cost_half_a_GiB()
    {
        const long claimed = 512L * 1024 * 1024;
        var body = new MemoryStream(Encoding.ASCII.GetBytes("0123456789"));

        // A memory stream answers synchronously, so the whole read happens on this thread and its allocations are
        // this thread's alone, whatever other tests do meanwhile.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = BoundedBody.ReadAsync(body, claimed, maxBytes: claimed, () => new InvalidOperationException("too large"), CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal("0123456789", Encoding.ASCII.GetString(await read));
        Assert.InRange(allocated, 0, 1024 * 1024);
    }

    [Fact]
    public async Task A_body_longer_than_its_claim_is_still_cut_off_at_the_limit()
    {
        var body = new MemoryStream(new byte[100_000]);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BoundedBody.ReadAsync(body, contentLength: 10, maxBytes: 50_000, () => new InvalidOperationException("too large"), CancellationToken.None));
    }
}
