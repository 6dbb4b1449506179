using NasBurnin.Engine.Burnin;
using Xunit;

namespace NasBurnin.Engine.Tests.Burnin;

public class StatusParserTests
{
    [Fact]
    public void Reads_runs_stages_events_files_and_the_queue()
    {
        const string output = "@@RUN r1\n@@F state Running \n@@F alive 1\n@@F started 1700000000\n" +
            "@@S 1 state Passed \n@@S 1 summary SMART short self-test: Completed without error \n" +
            "@@S 2 state Running \n@@S 2 progress 43.75 4 8 0x55 verify 0/0/0 0 \n" +
            "@@E 1700000100\t2\theat_paused\t56 C\n" +
            "@@RUN r2\n@@F state Finished \n@@BEGIN log 1\nline one\nline two\n\n@@END log 1\n@@BEGIN smart-pre\n{\"a\": 1}\n\n@@END smart-pre\n" +
            "@@RUN r3\n@@MISSING\n@@QUEUE r4 r5 \n";
        var (runs, queue) = RemoteRunStatusParser.Parse(output);
        var r1 = runs["r1"];
        Assert.Equal("Running", r1.State);
        Assert.True(r1.Alive);
        Assert.Equal("Passed", r1.Stages[1].State);
        var p = r1.Stages[2].Progress!;
        Assert.Equal((43.75, 4, 8, "0x55", "verify", false), (p.Percent, p.Phase, p.Phases, p.Pattern, p.Kind, p.Paused));
        Assert.Equal("heat_paused", Assert.Single(r1.Events).Type);
        Assert.True(runs["r2"].IsFinal);
        Assert.Equal("line one\nline two", runs["r2"].Stages[1].Log);
        Assert.Equal("{\"a\": 1}", runs["r2"].SmartPre);
        Assert.True(runs["r3"].Missing);
        Assert.Equal(new[] { "r4", "r5" }, queue);
    }
}
