package io.ann4j.runtime.cpu.kernel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated kernel source in memory with the JDK's javac (the Vector API module
 * enabled) and loads it in a class loader of its own, whose parent is this module's loader.
 */
final class KernelCompiler {
    private KernelCompiler() {}

    /** Compiles one class and returns its bytes by binary name. */
    static Map<String, byte[]> compile(String binaryName, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("ann4j's CPU kernels need the JDK's compiler (jdk.compiler); "
                    + "run on a JDK, not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diagnostics, null, null);
        var fm = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return classes.computeIfAbsent(className, c -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        JavaFileObject src = new SimpleJavaFileObject(
                URI.create("string:///" + binaryName.replace('.', '/') + JavaFileObject.Kind.SOURCE.extension),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        List<String> options = List.of("--add-modules", "jdk.incubator.vector", "-classpath", classPath(),
                "-proc:none", "-nowarn", "-XDsuppressNotes", "-g:none");
        boolean ok = javac.getTask(null, fm, diagnostics, options, null, List.of(src)).call();
        if (!ok) {
            throw new IllegalStateException("generated kernel " + binaryName + " did not compile: "
                    + diagnostics.getDiagnostics() + "\n" + source);
        }
        Map<String, byte[]> out = new HashMap<>();
        classes.forEach((k, v) -> out.put(k, v.toByteArray()));
        return out;
    }

    /** Where the runtime's own classes are: the only class path a kernel needs. */
    private static String classPath() {
        try {
            return Path.of(TileScanner.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()
                    + File.pathSeparator + System.getProperty("java.class.path", "");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Defines compiled classes; one loader per kernel so that unused kernels can be unloaded. */
    static final class Loader extends ClassLoader {
        private final Map<String, byte[]> classes;

        Loader(Map<String, byte[]> classes) {
            super(TileScanner.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
