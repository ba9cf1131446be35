namespace Clusterpedia.ApiServer.Tests;
