package org.archivesearch.testcluster;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node of the test cluster, started in this JVM from the server jar.
 *
 * <p>The distribution's launcher (Bootstrap) is what refuses root, installs the security manager
 * and runs the production bootstrap checks; a {@link Node} built directly does none of that, the
 * way OpenSearch's own test framework starts its nodes. The two plugins a distribution ships as
 * modules, and that the archive-search tests need, are given on the classpath: netty4 (HTTP and
 * transport) and analysis-common (the language analysers).
 *
 * <p>Arguments are settings, {@code key=value}, as the distribution's {@code -E} options.
 * SIGTERM closes the node cleanly; SIGKILL is what the node-loss tests use.
 */
public final class TestNode {

    private static final List<Class<? extends Plugin>> PLUGINS =
            List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

    /** Node's constructor that takes classpath plugins is protected; this makes it reachable. */
    private static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment environment) {
            super(environment, PLUGINS, true);
        }
    }

    private TestNode() {
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder()
                .put("transport.type", "netty4")
                .put("http.type", "netty4");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                System.err.println("TestNode: expected key=value, got: " + arg);
                System.exit(2);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();
        String home = settings.get("path.home");
        if (home == null) {
            System.err.println("TestNode: path.home=DIR is required");
            System.exit(2);
        }
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
                settings, Collections.emptyMap(), Path.of(home, "config"),
                () -> settings.get("node.name"));

        Node node = new ClasspathPluginNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "test-node-shutdown"));
        node.start();
        System.out.println("TestNode: started " + settings.get("node.name"));
        stopped.await();
    }
}
