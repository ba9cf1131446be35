using Clusterpedia.ApiServer.Security;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>kube-apiserver's --token-auth-file format.</summary>
public sealed class TokenFileTests
{
    [Fact]
    public void Load_QuotedGroupsAndComments_UsersWithAuthenticatedGroup()
    {
        var dir = new TempDirectory("clusterpedia-tokens-");
        try
        {
            File.WriteAllText(dir.File("t.csv"), "# comment\n\nt1,admin,uid-1,\"system:masters,devs\"\nt2,viewer,uid-2\n");

            var users = TokenFile.Load(dir.File("t.csv"));

            users.Count.ShouldBe(2);
            users["t1"].Name.ShouldBe("admin");
            users["t1"].Uid.ShouldBe("uid-1");
            users["t1"].Groups.ShouldBe(["system:masters", "devs", "system:authenticated"]);
            users["t2"].Groups.ShouldBe(["system:authenticated"]);
        }
        finally
        {
            dir.Delete();
        }
    }

    [Fact]
    public void Load_LineWithoutUid_ErrorNamesFlagAndLine()
    {
        var dir = new TempDirectory("clusterpedia-tokens-");
        try
        {
            File.WriteAllText(dir.File("t.csv"), "t1,admin,uid-1\nt2,viewer\n");

            var e = Should.Throw<InvalidOperationException>(() => TokenFile.Load(dir.File("t.csv")));

            e.Message.ShouldContain("--token-auth-file");
            e.Message.ShouldContain("line 2");
        }
        finally
        {
            dir.Delete();
        }
    }
}
